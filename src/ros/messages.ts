import { z } from 'zod';
import { WandError } from '../core/errors.ts';
import type { Twist2D } from '../safety/limits.ts';

// Message shapes on the wire. rosbridge never answers a bad publish (it only logs it), so every outgoing
// message is validated here first; incoming ones are parsed loosely and anything malformed is ignored.
// ROS 1 names (geometry_msgs/Twist) and ROS 2 names (geometry_msgs/msg/Twist) are both accepted:
// rosbridge on either ROS understands both.

const rosType = (pkg: string, name: string) => z.enum([`${pkg}/${name}`, `${pkg}/msg/${name}`]);

export const CmdVelType = z.enum(['geometry_msgs/Twist', 'geometry_msgs/msg/Twist', 'geometry_msgs/TwistStamped', 'geometry_msgs/msg/TwistStamped']);
export type CmdVelType = z.infer<typeof CmdVelType>;
export const OdometryType = rosType('nav_msgs', 'Odometry');
export const LaserScanType = rosType('sensor_msgs', 'LaserScan');

const finite = z.number().finite();
const Vector3 = z.strictObject({ x: finite, y: finite, z: finite });
export const TwistMsg = z.strictObject({ linear: Vector3, angular: Vector3 });
export type TwistMsg = z.infer<typeof TwistMsg>;
// The stamp is left out: rosbridge fills in zero, which twist_mux and ros2_control's diff drive
// controller read as "now".
export const TwistStampedMsg = z.strictObject({ header: z.strictObject({ frame_id: z.string() }), twist: TwistMsg });

export const isStamped = (type: CmdVelType) => type.endsWith('TwistStamped');

export function twistMessage(cmd: Twist2D, type: CmdVelType, frameId = 'base_link'): unknown {
  const twist: TwistMsg = { linear: { x: cmd.linear, y: 0, z: 0 }, angular: { x: 0, y: 0, z: cmd.angular } };
  return isStamped(type) ? { header: { frame_id: frameId }, twist } : twist;
}

/** Throws (kind safety) instead of letting a malformed command reach the robot. */
export function validateCommand(type: CmdVelType, msg: unknown): void {
  const parsed = (isStamped(type) ? TwistStampedMsg : TwistMsg).safeParse(msg);
  if (parsed.success) return;
  const issue = parsed.error.issues[0]!;
  throw new WandError('safety', `refusing to publish a malformed ${type} message (${issue.path.join('.') || 'message'}: ${issue.message})`);
}

/** rosapi/Subscribers (ROS 1) and rosapi_msgs/srv/Subscribers (ROS 2) requests. */
export const SubscribersRequest = z.strictObject({ topic: z.string().min(1) });

const num = z.number();
export const OdometryMsg = z.object({
  pose: z.object({
    pose: z.object({
      position: z.object({ x: num, y: num }),
      orientation: z.object({ x: num, y: num, z: num, w: num }),
    }),
  }),
  twist: z.object({ twist: z.object({ linear: z.object({ x: num }), angular: z.object({ z: num }) }) }).optional(),
});
export type OdometryMsg = z.infer<typeof OdometryMsg>;

/** rosbridge sends NaN and ±Inf as null. */
export const LaserScanMsg = z.object({
  angle_min: num,
  angle_increment: num,
  range_min: num,
  range_max: num,
  ranges: z.array(num.nullable()),
});
export type LaserScanMsg = z.infer<typeof LaserScanMsg>;

/** Yaw (rad) from a quaternion, for a robot moving in the plane. */
export function yawOf(q: { x: number; y: number; z: number; w: number }): number {
  return Math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z));
}
