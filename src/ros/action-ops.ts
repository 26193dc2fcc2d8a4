import { GoalBook, actionTypeParts, type ActionClientOptions, type GoalStatus } from './action.ts';
import type { RosLink } from './link.ts';

// ROS 2 actions over rosbridge (>= 2.0): the send_action_goal / cancel_action_goal operations, answered
// by action_feedback and action_result frames carrying the operation's id. rosbridge runs a goal in its
// own thread only with send_action_goals_in_new_thread:=true; without it a cancel waits for the goal.
// Older releases never answer a rejected goal at all: the goal's timeout ends it then.

/** action_msgs/GoalStatus */
const STATUS = { UNKNOWN: 0, ACCEPTED: 1, EXECUTING: 2, CANCELING: 3, SUCCEEDED: 4, CANCELED: 5, ABORTED: 6 } as const;

function goalStatus(code: number): GoalStatus {
  switch (code) {
    case STATUS.SUCCEEDED:
      return 'succeeded';
    case STATUS.ABORTED:
      return 'aborted';
    case STATUS.CANCELED:
      return 'canceled';
    default:
      return 'failed';
  }
}

interface ResultFrame {
  op: 'action_result';
  values?: unknown;
  status?: number;
  result?: boolean;
}

interface FeedbackFrame {
  op: 'action_feedback';
  values?: unknown;
}

export class Ros2ActionClient<G, F, R> extends GoalBook<G, F, R> {
  private readonly actionType: string;
  private readonly wantFeedback: boolean;
  private readonly listeners = new Map<string, (frame: ResultFrame | FeedbackFrame) => void>();

  constructor(link: RosLink, opts: ActionClientOptions) {
    super(link, opts.name);
    const { pkg, name } = actionTypeParts(opts.type);
    this.actionType = `${pkg}/action/${name}`;
    this.wantFeedback = opts.feedback ?? false;
  }

  protected transmit(id: string, goal: G): void {
    const listener = (frame: ResultFrame | FeedbackFrame) => {
      if (frame.op === 'action_feedback') return this.feedback(id, frame.values as F);
      if (frame.op === 'action_result') this.onResult(id, frame);
    };
    this.listeners.set(id, listener);
    // roslib's Ros emits every action_feedback / action_result frame under its operation id.
    this.link.ros.on(id, listener as never);
    this.started(id, performance.now());
    this.link.ros.callOnConnection({ op: 'send_action_goal', id, action: this.name, action_type: this.actionType, args: goal, feedback: this.wantFeedback } as never);
  }

  protected transmitCancel(id: string): void {
    if (this.link.isUp) this.link.ros.callOnConnection({ op: 'cancel_action_goal', id, action: this.name } as never);
  }

  protected forget(id: string): void {
    const listener = this.listeners.get(id);
    if (listener) this.link.ros.off(id, listener as never);
    this.listeners.delete(id);
  }

  private onResult(id: string, frame: ResultFrame): void {
    if (frame.result === false) {
      // rosbridge's failure reply: values is its error text ("Action goal was rejected", "No action server available", ...).
      const text = typeof frame.values === 'string' ? frame.values : JSON.stringify(frame.values ?? '');
      return this.settle(id, { status: /reject/i.test(text) ? 'rejected' : 'failed', result: null, text });
    }
    let { values, status } = frame;
    // rosbridge releases before late 2024 sent the whole GetResult response ({status, result}) as values.
    if (status === undefined && values && typeof values === 'object' && 'status' in values && 'result' in values) {
      status = Number((values as { status: unknown }).status);
      values = (values as { result: unknown }).result;
    }
    this.settle(id, { status: goalStatus(Number(status)), result: (values ?? null) as R | null, text: '' });
  }
}
