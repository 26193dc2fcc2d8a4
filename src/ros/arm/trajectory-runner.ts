import { WandError } from '../../core/errors.ts';
import { ActionCallError, type ActionClient, type GoalHandle, type GoalOutcome } from '../action.ts';
import type { RosVersion } from '../rosapi.ts';
import { sleep } from '../wait.ts';
import { TrajectoryGoal, rosDuration, trajectoryErrorName, validateGoal, type TrajectoryResult } from './messages.ts';
import type { RobotClock } from './robot-clock.ts';
import type { TimedPath } from './timing.ts';

// A timed joint path becomes a chain of short control_msgs/FollowJointTrajectory goals, about a second of
// motion each. Each goal is sent a little before the one running ends and replaces it (joint trajectory
// controllers splice a new trajectory onto the current state), so the arm moves without a pause, and a lost
// link leaves at most one short segment running: a ROS 1 bridge does not cancel the goals of a client that
// vanished, and the arm finishes whatever goal it has. Times are the robot's (from its joint state stamps).

/** Robot seconds of motion per goal. */
export const SEGMENT_S = 1.0;
/** The next goal goes out this long before the current one ends (it must arrive before then). */
const LEAD_S = 0.3;
/** A goal's first point is at least this far after the moment it is sent. */
const FIRST_POINT_S = 0.05;
/** A goal that has not finished this long after its last point (robot time; at least a wall second) is a failure. */
const MARGIN_S = 1.0;
/** The hold at the current joints reaches them this soon. */
const HOLD_S = 0.1;

export type TrajectoryGoalMsg = {
  trajectory: { joint_names: string[]; points: { positions: number[]; time_from_start: unknown }[] };
};

export interface RunnerOptions {
  client: ActionClient<TrajectoryGoalMsg, unknown, TrajectoryResult>;
  version: RosVersion;
  /** The controller's joints, in goal order. */
  jointNames: readonly string[];
  /** Maps a path's joint vector (the model's order) to the controller's joint order. */
  toController: (q: readonly number[]) => number[];
  clock: RobotClock;
}

export class TrajectoryRunner {
  /** Goals sent and not yet settled (the running one, and the one replacing it). */
  private readonly active = new Set<GoalHandle<TrajectoryResult>>();
  private readonly holds = new WeakSet<GoalHandle<TrajectoryResult>>();
  /** Goals sent, for tests and the bench. */
  sent = 0;

  constructor(private readonly opts: RunnerOptions) {}

  /** Whether a motion goal is out (running, or not yet settled); a hold does not count. */
  get busy(): boolean {
    return [...this.active].some((h) => !this.holds.has(h));
  }

  private goal(points: { q: readonly number[]; t: number }[]): TrajectoryGoalMsg {
    const goal = {
      trajectory: {
        joint_names: [...this.opts.jointNames],
        points: points.map(({ q, t }) => ({ positions: this.opts.toController(q), time_from_start: rosDuration(t, this.opts.version) })),
      },
    };
    validateGoal(TrajectoryGoal[this.opts.version], goal, 'FollowJointTrajectory');
    return goal;
  }

  private send(goal: TrajectoryGoalMsg, seconds: number, signal?: AbortSignal): GoalHandle<TrajectoryResult> {
    const timeoutMs = this.opts.clock.wallMs(seconds) + Math.max(1000, this.opts.clock.wallMs(MARGIN_S));
    const handle = this.opts.client.send(goal, { timeoutMs, signal });
    this.sent++;
    this.active.add(handle);
    handle.done.then(
      () => this.active.delete(handle),
      () => this.active.delete(handle),
    );
    return handle;
  }

  /** Runs the path (which starts at the measured joints) to its end; throws a WandError if the arm did not get there. */
  async run(path: TimedPath, signal: AbortSignal): Promise<void> {
    const { joints, times } = path;
    const total = times.at(-1) ?? 0;
    if (joints.length < 2 || total <= 0) return;
    const clock = this.opts.clock;
    // Segment ends: waypoint indices about SEGMENT_S apart, the last one the path's end.
    const ends: number[] = [];
    for (let i = 1; i < joints.length; i++) {
      const from = ends.length ? times[ends.at(-1)!]! : 0;
      if (times[i]! - from >= SEGMENT_S || i === joints.length - 1) ends.push(i);
    }
    const local = new AbortController();
    const stop = AbortSignal.any([signal, local.signal]);
    let failure: WandError | null = null;
    const fail = (err: WandError) => {
      failure ??= err;
      local.abort(failure);
    };
    const handles: GoalHandle<TrajectoryResult>[] = [];
    let t0 = 0; // robot time at which path time 0 is (when the first goal started)
    try {
      for (let k = 0; k < ends.length; k++) {
        // Path time at which this goal is sent (0 for the first), and its points: what is left of the
        // path from a moment after the send up to the segment's end.
        let sentAt = 0;
        if (k > 0) {
          sentAt = clock.now() - t0;
          const previousEnd = times[ends[k - 1]!]!;
          if (sentAt > previousEnd) {
            // Late: the arm stopped at the previous segment's end. Go on from there, never by skipping ahead.
            t0 += sentAt - previousEnd;
            sentAt = previousEnd;
          }
        }
        const points: { q: readonly number[]; t: number }[] = [];
        for (let i = 1; i <= ends[k]!; i++) if (times[i]! - sentAt >= FIRST_POINT_S || i === ends[k]) points.push({ q: joints[i]!, t: times[i]! - sentAt });
        // Keep times strictly increasing from a first point that is never at (or before) the send.
        for (let i = 0; i < points.length; i++) points[i]!.t = Math.max(points[i]!.t, (i ? points[i - 1]!.t : 0) + 1e-3, FIRST_POINT_S);
        const handle = this.send(this.goal(points), points.at(-1)!.t, stop);
        handles.push(handle);
        const last = k === ends.length - 1;
        handle.done.then(
          (outcome) => {
            const err = this.outcomeError(outcome, { last, replaced: handles.length > k + 1, total });
            if (err) fail(err);
          },
          (err) => {
            // A replaced goal that is not heard from again does not matter; the one that is running does.
            if (handles.length > k + 1 && !last && err instanceof ActionCallError && err.reason === 'timeout') return;
            fail(this.callError(err));
          },
        );
        if (k === 0) t0 = clock.now(await Promise.race([handle.started, handle.done.then(() => performance.now(), () => performance.now())]) / 1000);
        if (last) {
          await handle.done.catch(() => {});
          break;
        }
        // Wait until just before this goal's end (robot time), then send the next one.
        const sendNextAt = t0 + times[ends[k]!]! - LEAD_S;
        while (!stop.aborted && clock.now() < sendNextAt) await sleep(Math.min(20, clock.wallMs(sendNextAt - clock.now())), stop);
        if (stop.aborted) break;
      }
    } finally {
      if (stop.aborted) for (const h of this.active) h.cancel();
    }
    if (failure) throw failure;
    if (signal.aborted) throw signal.reason instanceof WandError ? signal.reason : new WandError('aborted', 'stopped');
  }

  /** What an outcome means for the motion: nothing (null) or the error that ends it. */
  private outcomeError(o: GoalOutcome<TrajectoryResult>, at: { last: boolean; replaced: boolean; total: number }): WandError | null {
    const code = Number(o.result?.error_code ?? 0);
    const detail = [o.result?.error_string, o.text].filter((s) => s && s.trim()).join('; ');
    const why = `${trajectoryErrorName(code)}${code ? ` (${code})` : ''}${detail ? `: ${detail}` : ''}`;
    if (o.status === 'succeeded' && code === 0) return null;
    // A goal replaced by the next one is reported preempted/canceled (ROS 2 with INVALID_GOAL): expected.
    if (at.replaced && (o.status === 'canceled' || o.status === 'succeeded')) return null;
    if (o.status === 'rejected') return new WandError('physical', `the arm's controller rejected the trajectory (${why}); the arm did not move`);
    if (o.status === 'canceled') return new WandError('physical', `the arm's controller cancelled the trajectory (${why}); another client or the robot stopped it`);
    return new WandError('physical', `the arm's controller aborted the trajectory: ${why}; the arm stopped`);
  }

  private callError(err: unknown): WandError {
    if (err instanceof WandError) return err;
    if (err instanceof ActionCallError) {
      if (err.reason === 'timeout') return new WandError('physical', `the arm did not finish its trajectory in time (${err.message}); it was stopped`);
      return new WandError('connection', err.message);
    }
    return new WandError('connection', (err as Error).message);
  }

  /** Cancels whatever runs and holds the arm at `q` (the measured joints): fire and forget. */
  hold(q: readonly number[]): void {
    // Cancelled goals no longer count as motion: a second stop right after this one adds no second hold.
    for (const h of this.active) h.cancel();
    this.active.clear();
    try {
      const handle = this.send(this.goal([{ q, t: HOLD_S }]), HOLD_S);
      this.holds.add(handle);
      handle.done.catch(() => {});
    } catch {
      // Not connected: nothing can be sent (the controller's own hold applies).
    }
  }
}
