import { z } from 'zod';
import { WandError } from '../../core/errors.ts';
import type { RosVersion } from '../rosapi.ts';

// The arm's ROS messages. Incoming ones are parsed loosely (anything malformed is counted and ignored);
// outgoing goals are validated strictly before they leave, because a malformed goal is dropped silently
// by rosbridge on ROS 1 (a bad publish gets no reply) and the arm would just not move.

const num = z.number();
const finite = z.number().finite();

/** ROS 1 times and durations are {secs, nsecs}, ROS 2 {sec, nanosec}. */
export type RosDuration = { secs: number; nsecs: number } | { sec: number; nanosec: number };

export function rosDuration(seconds: number, version: RosVersion): RosDuration {
  const whole = Math.floor(seconds);
  const nanos = Math.min(999_999_999, Math.round((seconds - whole) * 1e9));
  return version === 1 ? { secs: whole, nsecs: nanos } : { sec: whole, nanosec: nanos };
}

/** Seconds from a ROS 1 or ROS 2 time/duration; NaN if it is neither. */
export function secondsOf(t: unknown): number {
  const o = (t ?? {}) as Record<string, unknown>;
  const s = o.secs ?? o.sec;
  const n = o.nsecs ?? o.nanosec ?? 0;
  return typeof s === 'number' && typeof n === 'number' ? s + n / 1e9 : NaN;
}

/** sensor_msgs/JointState: names and positions are what the arm needs; rosbridge sends NaN as null. */
export const JointStateMsg = z.object({
  header: z.object({ stamp: z.unknown() }).partial().optional(),
  name: z.array(z.string()),
  position: z.array(num.nullable()),
});
export type JointStateMsg = z.infer<typeof JointStateMsg>;

const Point = z.object({ x: num, y: num, z: num });
const Quaternion = z.object({ x: num, y: num, z: num, w: num });

/**
 * vision_msgs/Detection3D. The class of a hypothesis is `hypothesis.class_id` (a string) on ROS 2 and
 * `id` directly in ObjectHypothesisWithPose (an int64) on ROS 1 noetic; older ROS 2 releases also used `id`.
 */
const Hypothesis = z.object({
  hypothesis: z.object({ class_id: z.union([z.string(), num]), score: num.optional() }).optional(),
  id: z.union([z.string(), num]).optional(),
  score: num.optional(),
});
export const Detection3DArrayMsg = z.object({
  header: z.object({ frame_id: z.string().optional() }).optional(),
  detections: z.array(
    z.object({
      header: z.object({ frame_id: z.string().optional() }).optional(),
      results: z.array(Hypothesis),
      bbox: z.object({ center: z.object({ position: Point, orientation: Quaternion.optional() }), size: Point }),
    }),
  ),
});
export type Detection3DArrayMsg = z.infer<typeof Detection3DArrayMsg>;
export type Detection3DMsg = Detection3DArrayMsg['detections'][number];

/** The class id and score of a detection's best hypothesis, whichever ROS it comes from. */
export function bestHypothesis(d: Detection3DMsg): { id: string; score: number } | null {
  let best: { id: string; score: number } | null = null;
  for (const h of d.results) {
    const id = h.hypothesis?.class_id ?? h.id;
    if (id === undefined) continue;
    const score = h.hypothesis?.score ?? h.score ?? 0;
    if (!best || score > best.score) best = { id: String(id), score };
  }
  return best;
}

// --- outgoing goals -------------------------------------------------------------------------------------

const Duration1 = z.strictObject({ secs: z.number().int().min(0), nsecs: z.number().int().min(0).max(999_999_999) });
const Duration2 = z.strictObject({ sec: z.number().int().min(0), nanosec: z.number().int().min(0).max(999_999_999) });

const trajectoryGoal = (duration: z.ZodType) =>
  z.strictObject({
    trajectory: z.strictObject({
      joint_names: z.array(z.string().min(1)).min(1),
      points: z
        .array(z.strictObject({ positions: z.array(finite).min(1), time_from_start: duration }))
        .min(1),
    }),
  });

export const TrajectoryGoal = { 1: trajectoryGoal(Duration1), 2: trajectoryGoal(Duration2) } as const;

export const GripperGoal = z.strictObject({ command: z.strictObject({ position: finite, max_effort: finite.min(0) }) });

/** control_msgs/FollowJointTrajectory's result. */
export const TrajectoryResult = z.object({ error_code: num.optional(), error_string: z.string().optional() }).passthrough();
export type TrajectoryResult = z.infer<typeof TrajectoryResult>;

/** control_msgs/GripperCommand's result. */
export const GripperResult = z.object({ position: num, effort: num.optional(), stalled: z.boolean().optional(), reached_goal: z.boolean().optional() }).passthrough();
export type GripperResult = z.infer<typeof GripperResult>;

/** Throws (kind safety) instead of letting a malformed goal reach the robot. */
export function validateGoal(schema: z.ZodType, goal: unknown, what: string): void {
  const parsed = schema.safeParse(goal);
  if (parsed.success) return;
  const issue = parsed.error.issues[0]!;
  throw new WandError('safety', `refusing to send a malformed ${what} goal (${issue.path.join('.') || 'goal'}: ${issue.message})`);
}

/** control_msgs/FollowJointTrajectoryResult error codes, by the names controllers log. */
export const TRAJECTORY_ERRORS: Record<number, string> = {
  0: 'SUCCESSFUL',
  [-1]: 'INVALID_GOAL',
  [-2]: 'INVALID_JOINTS',
  [-3]: 'OLD_HEADER_TIMESTAMP',
  [-4]: 'PATH_TOLERANCE_VIOLATED',
  [-5]: 'GOAL_TOLERANCE_VIOLATED',
};

export function trajectoryErrorName(code: number): string {
  return TRAJECTORY_ERRORS[code] ?? `error code ${code}`;
}
