import type { ObjectInfo, Vec3 } from '../schemas.ts';

/** Bowl wall thickness assumed when grasping a bowl by its rim. */
const BOWL_WALL = 0.008;

/**
 * Where the tool point goes to grasp an object from above. Blocks are grasped at their centre;
 * a bowl is too wide for the fingers, so it is grasped by the rim on its +y side
 * (the fingers close along y and pinch the wall).
 */
export function graspPoint(obj: ObjectInfo): Vec3 {
  const { x, y, z } = obj.position;
  if (obj.kind === 'bowl') {
    const top = z + obj.size.z / 2;
    return { x, y: y + obj.size.y / 2 - BOWL_WALL / 2, z: Math.max(0.01, top - 0.02) };
  }
  return { x, y, z: Math.max(0.01, z) };
}
