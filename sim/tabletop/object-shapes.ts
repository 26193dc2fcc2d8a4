import type { ObjectKind, Vec3 } from '../../primitives/schemas.ts';
import { BLOCK_SIZE, BOWL } from '../../primitives/tabletop/world.ts';

// Dimensions the physics, the scene checks and the renderer must agree on. A bowl's position is the centre
// of its bounding box, like a block's, so `objects()` reports both the same way.

export const BLOCK_HALF = BLOCK_SIZE / 2;

/** The table's slab below its top (z = 0). */
export const TABLE_THICKNESS = 0.05;

export const BOWL_RADIUS = BOWL.diameter / 2;
export const BOWL_HALF_HEIGHT = BOWL.depth / 2;
/** 6 mm: thin enough to look like a bowl, thick enough that a falling block cannot tunnel through at 240 Hz. */
export const BOWL_WALL = 0.006;
export const BOWL_FLOOR = 0.006;
export const BOWL_INNER_RADIUS = BOWL_RADIUS - BOWL_WALL;
/** Wall segments in the collider ring; 16 keeps the inside round enough for a 4 cm block to slide to the middle. */
export const BOWL_SEGMENTS = 16;

export function objectSize(kind: ObjectKind): Vec3 {
  return kind === 'block'
    ? { x: BLOCK_SIZE, y: BLOCK_SIZE, z: BLOCK_SIZE }
    : { x: BOWL.diameter, y: BOWL.diameter, z: BOWL.depth };
}

export function halfHeight(kind: ObjectKind): number {
  return kind === 'block' ? BLOCK_HALF : BOWL_HALF_HEIGHT;
}

export function objectName(color: string, kind: string): string {
  return `${color} ${kind}`;
}
