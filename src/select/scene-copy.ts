import type { ObjectInfo } from '../../primitives/schemas.ts';
import { TABLE } from '../../primitives/tabletop/world.ts';
import { overlaps, restingHeight, type Placed } from '../../sim/tabletop/footprint.ts';
import { halfHeight } from '../../sim/tabletop/object-shapes.ts';
import { parseScene, type SceneSpec } from '../../sim/tabletop/scene.ts';

// A scene file for a copy of the tabletop as it is now, so candidate programs can be tried on it.
// Positions come from the observation (rounded to 0.1 mm, orientations unknown), so the copy is close to
// the real world but not bit-identical: the winning program is re-run on the real target, never assumed.

export interface SceneCopy {
  scene: SceneSpec;
  /** Objects left out of the copy because they are off the table (they cannot be touched anyway). */
  left: string[];
}

/**
 * Objects are laid down from the lowest up. One that would interpenetrate an object already placed
 * (rounding, a block tilted against a bowl's rim) is put to rest on top of what is below it instead.
 */
export function sceneFromState(objects: readonly ObjectInfo[]): SceneCopy {
  const left: string[] = [];
  const placed: Placed[] = [];
  const out: { kind: ObjectInfo['kind']; color: ObjectInfo['color']; position: { x: number; y: number; z: number } }[] = [];
  for (const o of [...objects].sort((a, b) => a.position.z - b.position.z)) {
    const { x, y } = o.position;
    const half = halfHeight(o.kind);
    const offTable = x < TABLE.x[0] || x > TABLE.x[1] || y < TABLE.y[0] || y > TABLE.y[1] || o.position.z < half / 2;
    if (offTable) {
      left.push(o.name);
      continue;
    }
    const here: Placed = { kind: o.kind, x, y, z: Math.max(o.position.z, half) };
    if (placed.some((p) => overlaps(here, p))) here.z = restingHeight(here, placed) + half;
    here.z = Math.round(here.z * 1e6) / 1e6;
    placed.push(here);
    out.push({ kind: o.kind, color: o.color, position: { x, y, z: here.z } });
  }
  return { scene: parseScene({ objects: out }), left };
}
