import type { ObjectKind } from '../../primitives/schemas.ts';
import { BLOCK_HALF, BOWL_FLOOR, BOWL_INNER_RADIUS, BOWL_RADIUS, halfHeight } from './object-shapes.ts';

// Where objects sit relative to each other before any physics runs: used to check scene files, to stack
// objects given without a height, and to space out random scenes. Blocks are axis-aligned squares seen
// from above, bowls are discs; a bowl is hollow, so a block can be inside it without overlapping it.

export interface Placed {
  kind: ObjectKind;
  x: number;
  y: number;
  /** Centre height. */
  z: number;
}

/** Touching is fine; interpenetration beyond 1 mm is an overlap (resting contacts are computed, not exact). */
export const OVERLAP_TOLERANCE = 0.001;

/** Horizontal clearance between two footprints; negative when they overlap seen from above. */
export function footprintGap(a: Omit<Placed, 'z'>, b: Omit<Placed, 'z'>): number {
  const dx = Math.abs(a.x - b.x);
  const dy = Math.abs(a.y - b.y);
  if (a.kind === 'bowl' && b.kind === 'bowl') return Math.hypot(dx, dy) - 2 * BOWL_RADIUS;
  if (a.kind === 'block' && b.kind === 'block') {
    const gx = dx - 2 * BLOCK_HALF;
    const gy = dy - 2 * BLOCK_HALF;
    return gx > 0 && gy > 0 ? Math.hypot(gx, gy) : Math.max(gx, gy);
  }
  // Disc against square: distance from the disc's centre to the square, minus the radius.
  const qx = Math.max(0, dx - BLOCK_HALF);
  const qy = Math.max(0, dy - BLOCK_HALF);
  return Math.hypot(qx, qy) - BOWL_RADIUS;
}

/** True when a block's whole footprint fits within a bowl's inner wall, i.e. it can rest on the bowl's floor. */
export function fitsInsideBowl(block: Omit<Placed, 'z'>, bowl: Omit<Placed, 'z'>): boolean {
  const farX = Math.abs(block.x - bowl.x) + BLOCK_HALF;
  const farY = Math.abs(block.y - bowl.y) + BLOCK_HALF;
  return Math.hypot(farX, farY) <= BOWL_INNER_RADIUS + OVERLAP_TOLERANCE;
}

function bottom(p: Placed): number {
  return p.z - halfHeight(p.kind);
}

function top(p: Placed): number {
  return p.z + halfHeight(p.kind);
}

/** The height of the surface `p` would come to rest on if dropped straight down onto `below` (0 = table). */
export function restingHeight(p: Omit<Placed, 'z'>, below: readonly Placed[]): number {
  let support = 0;
  for (const q of below) {
    if (footprintGap(p, q) >= -OVERLAP_TOLERANCE) continue;
    const surface =
      q.kind === 'bowl' && p.kind === 'block' && fitsInsideBowl(p, q) ? bottom(q) + BOWL_FLOOR : top(q);
    support = Math.max(support, surface);
  }
  return support;
}

export function overlaps(a: Placed, b: Placed): boolean {
  if (top(a) <= bottom(b) + OVERLAP_TOLERANCE || top(b) <= bottom(a) + OVERLAP_TOLERANCE) return false;
  if (footprintGap(a, b) >= -OVERLAP_TOLERANCE) return false;
  const [block, bowl] = a.kind === 'block' && b.kind === 'bowl' ? [a, b] : b.kind === 'block' && a.kind === 'bowl' ? [b, a] : [];
  if (block && bowl) return !(fitsInsideBowl(block, bowl) && bottom(block) >= bottom(bowl) + BOWL_FLOOR - OVERLAP_TOLERANCE);
  return true;
}
