import { Topic } from 'roslib';
import { ActionCallError, GoalBook, actionTypeParts, type ActionClientOptions, type GoalStatus } from './action.ts';
import type { RosLink } from './link.ts';

// ROS 1 actionlib over rosbridge: five plain topics under the action's namespace. The goal and cancel
// topics are advertised when the client is made, long before the first goal, and a goal counts as sent
// only once the server lists it in <ns>/status: rosbridge 0.11 does not wait for the action server to
// connect after an advertise, so a goal published too early is silently lost. Until it is listed the
// goal is published again (actionlib ignores a goal id it already has).

/** actionlib_msgs/GoalStatus */
const STATUS = { PENDING: 0, ACTIVE: 1, PREEMPTED: 2, SUCCEEDED: 3, ABORTED: 4, REJECTED: 5, PREEMPTING: 6, RECALLING: 7, RECALLED: 8, LOST: 9 } as const;
const TERMINAL = new Set<number>([STATUS.PREEMPTED, STATUS.SUCCEEDED, STATUS.ABORTED, STATUS.REJECTED, STATUS.RECALLED, STATUS.LOST]);

function goalStatus(code: number): GoalStatus {
  switch (code) {
    case STATUS.SUCCEEDED:
      return 'succeeded';
    case STATUS.ABORTED:
      return 'aborted';
    case STATUS.REJECTED:
      return 'rejected';
    case STATUS.PREEMPTED:
    case STATUS.RECALLED:
      return 'canceled';
    default:
      return 'failed';
  }
}

const ZERO_TIME = { secs: 0, nsecs: 0 };
const REPUBLISH_MS = 250;
/** A terminal status without its result message: settle from the status after this long. */
const RESULT_GRACE_MS = 1000;

interface GoalStatusMsg {
  goal_id?: { id?: string };
  status?: number;
  text?: string;
}

interface Sending {
  message: unknown;
  since: number;
  /** performance.now() of the last publish. */
  lastSent: number;
  acked: boolean;
  timer: NodeJS.Timeout | null;
}

export class ActionlibClient<G, F, R> extends GoalBook<G, F, R> {
  private readonly goalTopic: Topic<unknown>;
  private readonly cancelTopic: Topic<unknown>;
  private readonly statusTopic: Topic<{ status_list?: GoalStatusMsg[] }>;
  private readonly resultTopic: Topic<{ status?: GoalStatusMsg; result?: R }>;
  private readonly feedbackTopic: Topic<{ status?: GoalStatusMsg; feedback?: F }> | null;
  /** performance.now() of the last status message: the server exists and rosbridge relays its topics. */
  private statusAt = 0;
  private readonly sending = new Map<string, Sending>();
  private readonly ackTimeoutMs: number;

  constructor(link: RosLink, opts: ActionClientOptions) {
    super(link, opts.name);
    const { pkg, name } = actionTypeParts(opts.type);
    const base = `${pkg}/${name}Action`;
    const ros = link.ros;
    const ns = opts.name.replace(/\/$/, '');
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 2000;
    this.goalTopic = new Topic({ ros, name: `${ns}/goal`, messageType: `${base}Goal`, queue_size: 10 });
    this.cancelTopic = new Topic({ ros, name: `${ns}/cancel`, messageType: 'actionlib_msgs/GoalID', queue_size: 10 });
    this.statusTopic = new Topic({ ros, name: `${ns}/status`, messageType: 'actionlib_msgs/GoalStatusArray' });
    this.resultTopic = new Topic({ ros, name: `${ns}/result`, messageType: `${base}Result` });
    this.feedbackTopic = opts.feedback ? new Topic({ ros, name: `${ns}/feedback`, messageType: `${base}Feedback`, throttle_rate: 100, queue_length: 1 }) : null;
    this.goalTopic.advertise();
    this.cancelTopic.advertise();
    this.statusTopic.subscribe((m) => this.onStatus(m));
    this.resultTopic.subscribe((m) => this.onResult(m));
    this.feedbackTopic?.subscribe((m) => {
      const id = m.status?.goal_id?.id;
      if (!id || !this.isPending(id)) return;
      this.acknowledge(id);
      if (m.feedback !== undefined) this.feedback(id, m.feedback);
    });
  }

  /** Whether the action server has been heard from (its status topic) within the last `withinMs`. */
  serverSeen(withinMs = Infinity): boolean {
    return this.statusAt > 0 && performance.now() - this.statusAt <= withinMs;
  }

  protected transmit(id: string, goal: G): void {
    this.sending.set(id, { message: { goal_id: { stamp: ZERO_TIME, id }, goal }, since: performance.now(), lastSent: 0, acked: false, timer: null });
    this.attempt(id);
  }

  /** Publishes the goal (again) until the server lists it; gives up after ackTimeoutMs. */
  private attempt(id: string): void {
    const s = this.sending.get(id);
    if (!s || s.acked) return;
    if (performance.now() - s.since > this.ackTimeoutMs) {
      this.transmitCancel(id);
      const why = this.statusAt ? 'it never appeared in its status list' : `nothing was heard on ${this.name}/status`;
      return this.settle(id, new ActionCallError('unacknowledged', `${this.name}: the action server did not take the goal within ${this.ackTimeoutMs} ms (${why}); is the controller running?`));
    }
    // Before the server's status has come through, a goal could be lost: wait for it.
    if (this.statusAt && this.link.isUp) {
      this.goalTopic.publish(s.message);
      s.lastSent = performance.now();
    }
    s.timer = setTimeout(() => this.attempt(id), this.statusAt ? REPUBLISH_MS : 20);
  }

  private acknowledge(id: string): void {
    const s = this.sending.get(id);
    if (!s || s.acked) return;
    s.acked = true;
    this.started(id, s.lastSent || performance.now());
    if (s.timer) clearTimeout(s.timer);
    s.timer = null;
  }

  protected transmitCancel(id: string): void {
    if (this.link.isUp) this.cancelTopic.publish({ stamp: ZERO_TIME, id });
  }

  protected forget(id: string): void {
    const s = this.sending.get(id);
    if (s?.timer) clearTimeout(s.timer);
    this.sending.delete(id);
  }

  private onStatus(msg: { status_list?: GoalStatusMsg[] }): void {
    this.statusAt = performance.now();
    for (const st of msg.status_list ?? []) {
      const id = st.goal_id?.id;
      if (!id || !this.isPending(id)) continue;
      this.acknowledge(id);
      const code = Number(st.status);
      const s = this.sending.get(id);
      if (TERMINAL.has(code) && s && !s.timer) {
        // The result message normally follows at once; if it was lost, the status alone ends the goal.
        s.timer = setTimeout(() => this.settle(id, { status: goalStatus(code), result: null, text: String(st.text ?? '') }), RESULT_GRACE_MS);
      }
    }
  }

  private onResult(msg: { status?: GoalStatusMsg; result?: R }): void {
    const id = msg.status?.goal_id?.id;
    if (!id || !this.isPending(id)) return;
    this.settle(id, { status: goalStatus(Number(msg.status?.status)), result: msg.result ?? null, text: String(msg.status?.text ?? '') });
  }

  dispose(): void {
    super.dispose();
    if (!this.link.isUp) return;
    this.statusTopic.unsubscribe();
    this.resultTopic.unsubscribe();
    this.feedbackTopic?.unsubscribe();
    this.goalTopic.unadvertise();
    this.cancelTopic.unadvertise();
  }
}
