import { wrapAngle } from '../../src/safety/controller.ts';
import type { Pose2D } from '../schemas.ts';

// The primitive API speaks degrees (people and models think in them); the controllers work in radians.

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Odometry pose with yaw in radians → the API's Pose (yaw in degrees, (-180, 180]). */
export function toPose2D(p: { x: number; y: number; yaw: number }): Pose2D {
  let deg = (wrapAngle(p.yaw) * 180) / Math.PI;
  if (deg <= -180) deg += 360;
  // 0.1 mm and 0.01° are below any odometry's accuracy and keep printed values readable.
  return { x: round(p.x, 4) + 0, y: round(p.y, 4) + 0, yaw: round(deg, 2) + 0 };
}

export const degToRad = (deg: number) => (deg * Math.PI) / 180;
