import type { ObjectInfo } from '../../primitives/schemas.ts';
import { didNotMove, inLine as pointsInLine, onObject, onPoint, type LineOrientation } from '../../primitives/tabletop/vocabulary.ts';
import { NAMED_POSITIONS } from '../../primitives/tabletop/world.ts';

// What "success" means on the tabletop, published in the README: the spatial vocabulary's relations
// (primitives/tabletop/vocabulary.ts, the same the model is told and place() checks) on the simulator's
// named positions, by object name.

export function findIn(objects: ObjectInfo[], name: string): ObjectInfo {
  const o = objects.find((v) => v.name === name);
  if (!o) throw new Error(`no object named "${name}" in the state`);
  return o;
}

/** Is `name` on `target` (a named position, a bowl or a block)? */
export function isOn(objects: ObjectInfo[], name: string, target: string): boolean {
  const obj = findIn(objects, name);
  const named = NAMED_POSITIONS[target];
  return named ? onPoint(obj, named).holds : onObject(obj, findIn(objects, target)).holds;
}

/** Is `name` on a point (within the on-a-position tolerance in x-y, and still on the table)? */
export function isNear(objects: ObjectInfo[], name: string, point: { x: number; y: number }): boolean {
  return onPoint(findIn(objects, name), point).holds;
}

/** Did the object stay where it was? */
export function unmoved(before: ObjectInfo[], after: ObjectInfo[], name: string): boolean {
  return didNotMove(findIn(before, name).position, findIn(after, name).position);
}

/** Objects whose centres moved more than "did not move" allows between two observations. */
export function movedObjects(before: ObjectInfo[], after: ObjectInfo[]): string[] {
  return after.filter((o) => before.some((b) => b.name === o.name) && !unmoved(before, after, o.name)).map((o) => o.name);
}

/** Are the named objects in a line of that orientation? Used for "in a line" tasks. */
export function inLine(objects: ObjectInfo[], names: string[], orientation: LineOrientation): boolean {
  return pointsInLine(
    names.map((n) => findIn(objects, n).position),
    orientation,
  );
}
