import { WandError } from '../core/errors.ts';
import type { RosLink } from './link.ts';
import type { RosVersion } from './rosapi.ts';

// A ROS action client over rosbridge, one class per transport: actionlib's five topics on ROS 1
// (ActionlibClient) and rosbridge's action operations on ROS 2 (Ros2ActionClient). Both behave the same
// to their caller: a goal is sent only while the link is up (never queued, never replayed after a
// reconnect), and it settles exactly once: with the server's outcome, or with an ActionCallError
// (link lost, no answer in time, never acknowledged), or with the abort reason of its signal, after a
// cancel went out. What an outcome means (is ABORTED a failure?) is the caller's business.

/** How the server ended a goal, the same words on ROS 1 and ROS 2. */
export type GoalStatus = 'succeeded' | 'aborted' | 'canceled' | 'rejected' | 'failed';

export interface GoalOutcome<R> {
  status: GoalStatus;
  /** The action's result message; null when the server sent none (a rejection on ROS 2, a lost result). */
  result: R | null;
  /** The server's status text or rosbridge's error text, '' if none. */
  text: string;
}

export class ActionCallError extends Error {
  constructor(
    readonly reason: 'disconnected' | 'timeout' | 'unacknowledged',
    message: string,
  ) {
    super(message);
  }
}

export interface GoalOptions<F> {
  /** The goal must settle within this long after it was sent, or it is cancelled and rejected ('timeout'). */
  timeoutMs: number;
  /** Aborting cancels the goal on the robot and rejects with the signal's reason. */
  signal?: AbortSignal;
  onFeedback?: (feedback: F) => void;
}

export interface GoalHandle<R> {
  /** Unique per goal and client process (the actionlib goal id on ROS 1, the rosbridge operation id on ROS 2). */
  readonly id: string;
  readonly done: Promise<GoalOutcome<R>>;
  /**
   * performance.now() of the transmission the server took: on ROS 1 the last publish before the goal was
   * acknowledged (an earlier copy may have been lost), on ROS 2 the send. Never rejects; pending until then.
   */
  readonly started: Promise<number>;
  /** Asks the server to cancel; the goal still settles with whatever the server reports. */
  cancel(): void;
}

export interface ActionClientOptions {
  /** The action's name, e.g. /arm_controller/follow_joint_trajectory. */
  name: string;
  /** The action type in any of its spellings: control_msgs/FollowJointTrajectory, control_msgs/action/…, …Action. */
  type: string;
  version: RosVersion;
  /** Ask for feedback messages (ROS 1 subscribes to <name>/feedback; ROS 2 sets feedback: true). */
  feedback?: boolean;
  /** ROS 1: how long to wait for the server to acknowledge a goal (it appears in <name>/status). */
  ackTimeoutMs?: number;
}

export interface ActionClient<G = unknown, F = unknown, R = unknown> {
  readonly name: string;
  send(goal: G, opts: GoalOptions<F>): GoalHandle<R>;
  /** Stops listening; goals still pending settle with 'disconnected'. */
  dispose(): void;
}

/** The package and bare name of an action type, whichever way it was written. */
export function actionTypeParts(type: string): { pkg: string; name: string } {
  const m = /^([A-Za-z]\w*)\/(?:action\/)?([A-Za-z]\w*?)(?:Action)?$/.exec(type.trim());
  if (!m) throw new WandError('usage', `"${type}" is not an action type like control_msgs/FollowJointTrajectory`);
  return { pkg: m[1]!, name: m[2]! };
}

export async function createActionClient<G = unknown, F = unknown, R = unknown>(link: RosLink, opts: ActionClientOptions): Promise<ActionClient<G, F, R>> {
  // Loaded on demand, so a robot of one ROS version never loads the other's client.
  if (opts.version === 1) return new (await import('./actionlib.ts')).ActionlibClient<G, F, R>(link, opts);
  return new (await import('./action-ops.ts')).Ros2ActionClient<G, F, R>(link, opts);
}

let counter = 0;
/** Unique across this process and, with the pid and the clock, across Wand processes talking to one robot. */
export function newGoalId(): string {
  return `wand-${process.pid}-${Date.now().toString(36)}-${++counter}`;
}

interface Pending<F, R> {
  started(at: number): void;
  resolve(outcome: GoalOutcome<R>): void;
  reject(err: unknown): void;
  onFeedback?: (feedback: F) => void;
  cleanup(): void;
}

/**
 * The bookkeeping both transports share: pending goals, their timeouts, signals and the link going down.
 * A transport implements transmit/transmitCancel and reports what the server said through settle/feedback.
 */
export abstract class GoalBook<G, F, R> implements ActionClient<G, F, R> {
  private readonly pending = new Map<string, Pending<F, R>>();
  private readonly onDown = (reason: string) =>
    this.failAll(new ActionCallError('disconnected', `${this.name}: the connection to rosbridge was lost (${reason})`));

  protected constructor(
    protected readonly link: RosLink,
    readonly name: string,
  ) {
    link.on('down', this.onDown);
  }

  /** Sends the goal on the wire (the link is up when this is called). */
  protected abstract transmit(id: string, goal: G): void;
  /** Asks the server to cancel one goal; nothing is sent while the link is down. */
  protected abstract transmitCancel(id: string): void;
  /** Called once a goal settled, for transport-side cleanup. */
  protected forget(_id: string): void {}

  send(goal: G, opts: GoalOptions<F>): GoalHandle<R> {
    const id = newGoalId();
    let started!: (at: number) => void;
    const handle: GoalHandle<R> = { id, done: undefined as never, started: new Promise((r) => (started = r)), cancel: () => this.cancel(id) };
    (handle as { done: Promise<GoalOutcome<R>> }).done = new Promise<GoalOutcome<R>>((resolve, reject) => {
      if (opts.signal?.aborted) return reject(abortReason(opts.signal));
      if (!this.link.isUp) return reject(new ActionCallError('disconnected', `${this.name}: not connected to rosbridge; the goal was not sent`));
      const timer = setTimeout(() => {
        this.cancel(id);
        this.settle(id, new ActionCallError('timeout', `${this.name}: no result within ${Math.round(opts.timeoutMs)} ms`));
      }, opts.timeoutMs);
      const onAbort = () => {
        this.cancel(id);
        this.settle(id, abortReason(opts.signal!));
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        started,
        resolve,
        reject,
        onFeedback: opts.onFeedback,
        cleanup: () => {
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
        },
      });
      this.transmit(id, goal);
    });
    return handle;
  }

  protected isPending(id: string): boolean {
    return this.pending.has(id);
  }

  protected pendingIds(): string[] {
    return [...this.pending.keys()];
  }

  private cancel(id: string): void {
    if (this.pending.has(id) && this.link.isUp) this.transmitCancel(id);
  }

  /** Ends a goal with the server's outcome or an error; later reports for it are ignored. */
  protected settle(id: string, outcome: GoalOutcome<R> | Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.cleanup();
    this.forget(id);
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
  }

  /** The transport's report of when the server took the goal (see GoalHandle.started). */
  protected started(id: string, at: number): void {
    this.pending.get(id)?.started(at);
  }

  protected feedback(id: string, feedback: F): void {
    this.pending.get(id)?.onFeedback?.(feedback);
  }

  protected failAll(err: Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id, err);
  }

  dispose(): void {
    this.link.off('down', this.onDown);
    this.failAll(new ActionCallError('disconnected', `${this.name}: the action client was closed`));
  }
}

function abortReason(signal: AbortSignal): WandError {
  const r = signal.reason;
  return r instanceof WandError ? r : new WandError('aborted', r instanceof Error && r.message ? r.message : 'stopped');
}
