import type { Backend } from '../../../primitives/backend.ts';
import { WandError } from '../../core/errors.ts';
import type { Envelope } from '../../safety/envelope.ts';
import { distanceOutside, fenceText, xyText } from '../../safety/geofence.ts';
import { parseTypeName, typeKey } from './type-names.ts';

// Which interface types move the robot whatever the config says, and the envelope's checks on what
// they are sent: a navigation goal must lie inside the geofence, a velocity within the limits.

/** Messages that command motion when published. */
const MOTION_MESSAGES = new Set([
  'geometry_msgs/Twist',
  'geometry_msgs/TwistStamped',
  'trajectory_msgs/JointTrajectory',
  'trajectory_msgs/MultiDOFJointTrajectory',
  'control_msgs/JointJog',
  'ackermann_msgs/AckermannDrive',
  'ackermann_msgs/AckermannDriveStamped',
]);

/** Topics of these types named like a goal (/goal_pose, /move_base_simple/goal) send the robot somewhere. */
const GOAL_MESSAGES = new Set(['geometry_msgs/PoseStamped']);

/** Action names (package-independent) of navigation, docking, trajectory and gripper servers. */
const MOTION_ACTIONS =
  /^(Navigate\w*|MoveBase|MoveGroup|Move|ExePath|Recovery|Follow\w*|\w*Trajectory|Spin|BackUp|DriveOnHeading|AssistedTeleop|DockRobot|UndockRobot|Dock|Undock|GripperCommand|Grasp|Homing|Pickup|Place|PointHead|SingleJointPosition|JointTrajectory)$/;

/** Packages whose actions move a mobile base (their goal poses are what the geofence checks). */
const NAVIGATION_PACKAGES = new Set(['nav2_msgs', 'move_base_msgs', 'mbf_msgs']);

export function knownMotion(kind: 'service' | 'topic' | 'action', type: string, name: string): boolean {
  if (kind === 'topic') return MOTION_MESSAGES.has(typeKey(type)) || (GOAL_MESSAGES.has(typeKey(type)) && /goal(_pose)?$/.test(name));
  if (kind === 'action') return MOTION_ACTIONS.test(parseTypeName(type)?.name ?? '');
  return false;
}

/** Navigation goals the geofence can read: a goal topic's pose, or a navigation action goal's poses. */
export function isNavigation(kind: 'topic' | 'action', type: string, name: string): boolean {
  if (kind === 'topic') return GOAL_MESSAGES.has(typeKey(type)) && /goal(_pose)?$/.test(name);
  return NAVIGATION_PACKAGES.has(parseTypeName(type)?.pkg ?? '') && MOTION_ACTIONS.test(parseTypeName(type)?.name ?? '');
}

export const isVelocity = (type: string) => typeKey(type) === 'geometry_msgs/Twist' || typeKey(type) === 'geometry_msgs/TwistStamped';

interface GoalPoint {
  x: number;
  y: number;
  frame: string;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A PoseStamped ({header, pose: {position}}) or a bare Pose ({position}) as a point, else null. */
function poseOf(v: Record<string, any>, frame: string): GoalPoint | null {
  if (isObject(v.pose) && isObject(v.pose.position)) return { x: num(v.pose.position.x), y: num(v.pose.position.y), frame: String(v.header?.frame_id ?? frame) };
  if (isObject(v.position)) return { x: num(v.position.x), y: num(v.position.y), frame };
  return null;
}

/** Every pose inside a value (a path's poses, a list of waypoints), each with the frame of its nearest header. */
function posesIn(v: unknown, frame: string, out: GoalPoint[]): void {
  if (Array.isArray(v)) return v.forEach((x) => posesIn(x, frame, out));
  if (!isObject(v)) return;
  const here = typeof v.header?.frame_id === 'string' ? v.header.frame_id : frame;
  const p = poseOf(v, here);
  if (p) return void out.push(p);
  for (const [k, x] of Object.entries(v)) if (k !== 'header') posesIn(x, here, out);
}

/**
 * The poses a navigation goal leads to: the message itself when it is a pose ('self'), else every pose in
 * the goal fields that hold poses (NavigateToPose.pose, MoveBase.target_pose, NavigateThroughPoses.poses,
 * FollowPath.path). A pose field left out is the origin, as rosbridge would fill it in.
 */
export function goalPoints(goal: unknown, poseFields: string[] | 'self'): GoalPoint[] {
  if (!isObject(goal)) return [];
  const out: GoalPoint[] = [];
  const fields = poseFields === 'self' ? [null] : poseFields;
  for (const f of fields) {
    const v = f === null ? goal : goal[f];
    const before = out.length;
    posesIn(v, '', out);
    if (out.length === before && (v === undefined || isObject(v))) out.push({ x: 0, y: 0, frame: '' });
  }
  return out;
}

export function requireGoalsInFence(primitive: string, points: GoalPoint[], env: Envelope | null): void {
  if (!env) return;
  for (const p of points) {
    const out = distanceOutside(env.fence, p);
    if (out <= 0) continue;
    throw env.record(
      'geofence',
      `${primitive}: refused by the geofence: the goal ${xyText(p)}${p.frame ? ` (frame "${p.frame}")` : ''} is ${out.toFixed(2)} m ` +
        `outside the allowed area (${fenceText(env.fence)}); nothing was sent`,
    );
  }
}

/**
 * A velocity command over the envelope's limits is refused, not clamped: the program asked for something
 * else. So is any non-zero command while the base is outside the geofence (raw velocities are not planned
 * against it, so this is where a robot that drifted out is held).
 */
export function requireVelocityWithinLimits(primitive: string, msg: unknown, env: Envelope | null, backend?: Backend): void {
  if (!env || !isObject(msg)) return;
  const twist = isObject(msg.twist) ? msg.twist : msg;
  const lin = isObject(twist.linear) ? Math.hypot(num(twist.linear.x), num(twist.linear.y), num(twist.linear.z)) : 0;
  const ang = isObject(twist.angular) ? Math.hypot(num(twist.angular.x), num(twist.angular.y), num(twist.angular.z)) : 0;
  const { maxLinear, maxAngular } = env.limits;
  const pose = backend?.profile === 'mobile' ? backend.getPose() : null;
  if (pose && (lin > 0 || ang > 0)) {
    const out = distanceOutside(env.fence, pose);
    if (out > 0) {
      throw env.record('left_geofence', `${primitive}: refused: the robot is ${out.toFixed(2)} m outside the geofence at ${xyText(pose)}; only a zero velocity may be sent`);
    }
  }
  if (lin <= maxLinear + 1e-9 && ang <= maxAngular + 1e-9) return;
  const what = lin > maxLinear + 1e-9 ? `linear speed ${lin.toFixed(3)} m/s is over maxLinear ${maxLinear} m/s` : `angular speed ${ang.toFixed(3)} rad/s is over maxAngular ${maxAngular} rad/s`;
  throw new WandError('safety', `${primitive}: refused: the ${what} (limits in the robot config); nothing was sent`, { primitive });
}
