import type { Color, ObjectKind } from '../../primitives/schemas.ts';
import { NAMED_POSITIONS } from '../../primitives/tabletop/world.ts';

export interface SceneObject {
  kind: ObjectKind;
  color: Color;
  position: { x: number; y: number };
}

/** Footprint radius used for spacing: objects never start touching, so every one can be grasped. */
const RADIUS: Record<ObjectKind, number> = { block: 0.035, bowl: 0.07 };
const AREA = { x: [0.3, 0.7], y: [-0.22, 0.22] } as const;

/**
 * Places objects at random non-overlapping spots, keeping clear of the named positions an episode
 * targets (so "put it on the top side" never means "into the bowl that happens to be there").
 * Returns null when the random draw does not fit; callers draw again.
 */
export function layout(
  random: () => number,
  items: { kind: ObjectKind; color: Color }[],
  keepClear: string[] = [],
): SceneObject[] | null {
  const placed: SceneObject[] = [];
  const clear = keepClear.map((n) => NAMED_POSITIONS[n]!).filter(Boolean);
  for (const item of items) {
    let spot: { x: number; y: number } | null = null;
    for (let attempt = 0; attempt < 200 && !spot; attempt++) {
      const p = { x: AREA.x[0] + random() * (AREA.x[1] - AREA.x[0]), y: AREA.y[0] + random() * (AREA.y[1] - AREA.y[0]) };
      const r = RADIUS[item.kind];
      const free =
        placed.every((o) => Math.hypot(o.position.x - p.x, o.position.y - p.y) >= r + RADIUS[o.kind] + 0.01) &&
        clear.every((c) => Math.hypot(c.x - p.x, c.y - p.y) >= r + 0.06);
      if (free) spot = { x: Math.round(p.x * 1000) / 1000, y: Math.round(p.y * 1000) / 1000 };
    }
    if (!spot) return null;
    placed.push({ ...item, position: spot });
  }
  return placed;
}
