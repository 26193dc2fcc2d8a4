import type { ObjectInfo, Vec3 } from '../../primitives/schemas.ts';
import { NAMED_POSITIONS } from '../../primitives/tabletop/world.ts';

// What "success" means on the tabletop, published in the README. The thresholds follow Code as Policies:
// on a bowl or a named position = centre within 6 cm in x-y (and above the object);
// on a block = within 4 cm in x-y and above it.

export const ON_POSITION_XY = 0.06;
export const ON_BOWL_XY = 0.06;
export const ON_BLOCK_XY = 0.04;
/** An object "did not move" when its centre stayed within this distance. */
export const UNMOVED = 0.02;

const xy = (a: Vec3, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);

export function findIn(objects: ObjectInfo[], name: string): ObjectInfo {
  const o = objects.find((v) => v.name === name);
  if (!o) throw new Error(`no object named "${name}" in the state`);
  return o;
}

/** Is `name` on `target` (a named position, a bowl or a block)? */
export function isOn(objects: ObjectInfo[], name: string, target: string): boolean {
  const obj = findIn(objects, name);
  const named = NAMED_POSITIONS[target];
  if (named) return xy(obj.position, named) <= ON_POSITION_XY && obj.position.z > -0.01;
  const base = findIn(objects, target);
  const limit = base.kind === 'bowl' ? ON_BOWL_XY : ON_BLOCK_XY;
  const baseBottom = base.position.z - base.size.z / 2;
  const above = base.kind === 'bowl' ? obj.position.z > baseBottom : obj.position.z > base.position.z + base.size.z / 4;
  return xy(obj.position, base.position) <= limit && above;
}

/** Is `name` within `radius` of a point in x-y (and still on the table)? */
export function isNear(objects: ObjectInfo[], name: string, point: { x: number; y: number }, radius = ON_POSITION_XY): boolean {
  const obj = findIn(objects, name);
  return xy(obj.position, point) <= radius && obj.position.z > -0.01;
}

/** Did the object stay where it was? */
export function unmoved(before: ObjectInfo[], after: ObjectInfo[], name: string): boolean {
  const a = findIn(before, name).position;
  const b = findIn(after, name).position;
  return Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z) <= UNMOVED;
}

/** Objects whose centres moved more than `UNMOVED` between two observations. */
export function movedObjects(before: ObjectInfo[], after: ObjectInfo[]): string[] {
  return after.filter((o) => before.some((b) => b.name === o.name) && !unmoved(before, after, o.name)).map((o) => o.name);
}

/** Are the named objects roughly collinear along the given orientation? Used for "in a line" tasks. */
export function inLine(objects: ObjectInfo[], names: string[], orientation: 'horizontal' | 'vertical' | 'diagonal', tolerance = 0.04): boolean {
  const pts = names.map((n) => findIn(objects, n).position);
  if (pts.length < 2) return true;
  if (orientation === 'horizontal') {
    // Horizontal on the table as seen by the robot: along y, constant x.
    const xs = pts.map((p) => p.x);
    return Math.max(...xs) - Math.min(...xs) <= tolerance;
  }
  if (orientation === 'vertical') {
    const ys = pts.map((p) => p.y);
    return Math.max(...ys) - Math.min(...ys) <= tolerance;
  }
  // Diagonal: all points within tolerance of the line through the two extremes, which is neither axis-aligned.
  const [a, b] = [pts[0]!, pts[pts.length - 1]!];
  const len = Math.hypot(b.x - a.x, b.y - a.y);
  if (len < 0.05 || Math.abs(b.x - a.x) < 0.03 || Math.abs(b.y - a.y) < 0.03) return false;
  return pts.every((p) => Math.abs((b.x - a.x) * (a.y - p.y) - (a.x - p.x) * (b.y - a.y)) / len <= tolerance);
}
