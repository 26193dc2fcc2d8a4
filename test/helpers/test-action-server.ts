import type { BridgeExtension, RosbridgeTestServer } from './rosbridge-server.ts';

// An action server behind the test bridge, the way a ROS node's looks from rosbridge: on ROS 1 actionlib's
// five topics (goal and cancel in; status at 10 Hz, feedback and result out; a goal id it already has is
// ignored), on ROS 2 rosbridge's send_action_goal / cancel_action_goal operations answered with
// action_feedback / action_result frames (a rejected goal: result false, "Action goal was rejected").

/** actionlib_msgs/GoalStatus (ROS 1) and action_msgs/GoalStatus (ROS 2) codes. */
const ROS1 = { PENDING: 0, ACTIVE: 1, PREEMPTED: 2, SUCCEEDED: 3, ABORTED: 4, REJECTED: 5, RECALLED: 8 } as const;
const ROS2 = { SUCCEEDED: 4, CANCELED: 5, ABORTED: 6 } as const;

export interface ServerGoal<G = any> {
  readonly id: string;
  readonly goal: G;
  /** Whether a result went out. */
  readonly finished: boolean;
  /** How it ended, once it did. */
  readonly outcome: 'succeeded' | 'aborted' | 'rejected' | 'canceled' | null;
  accept(): void;
  reject(result?: object, text?: string): void;
  feedback(feedback: object): void;
  succeed(result: object): void;
  abort(result: object, text?: string): void;
  /** Ended by a cancel or a newer goal: PREEMPTED (RECALLED if never accepted) on ROS 1, CANCELED on ROS 2. */
  canceled(result: object, text?: string): void;
}

export interface ActionHandlers<G> {
  onGoal(goal: ServerGoal<G>): void;
  onCancel(goal: ServerGoal<G>): void;
}

interface Ros1Entry {
  goal: Ros1Goal<unknown>;
  stamp: unknown;
  status: number;
  text: string;
  /** ms (server clock) when it finished. */
  finishedAt: number;
}

const STATUS_KEEP_MS = 5000;

export class TestActionServer<G = any> {
  /** Every goal received, in order (ROS 1 republished duplicates are not counted again). */
  readonly received: ServerGoal<G>[] = [];
  private readonly entries = new Map<string, Ros1Entry>();
  private readonly ros2Goals = new Map<string, Ros2Goal<G>>();
  private timer: NodeJS.Timeout | null = null;
  readonly extension: BridgeExtension;

  constructor(
    readonly bridge: RosbridgeTestServer,
    /** e.g. /arm_controller/follow_joint_trajectory */
    readonly name: string,
    /** ROS 1 spelling without "Action": control_msgs/FollowJointTrajectory */
    readonly type: string,
    private readonly handlers: ActionHandlers<G>,
  ) {
    const ros2 = bridge.flavor === 'ros2';
    const ns = name;
    this.extension = ros2
      ? {
          actions: { [name]: type.replace('/', '/action/') },
          onOp: (client, frame) => this.onOp(client, frame),
        }
      : {
          topics: {
            [`${ns}/goal`]: `${type}ActionGoal`,
            [`${ns}/cancel`]: 'actionlib_msgs/GoalID',
            [`${ns}/status`]: 'actionlib_msgs/GoalStatusArray',
            [`${ns}/feedback`]: `${type}ActionFeedback`,
            [`${ns}/result`]: `${type}ActionResult`,
          },
          onPublish: (topic, msg) => {
            if (topic === `${ns}/goal`) this.onRos1Goal(msg);
            else if (topic === `${ns}/cancel`) this.onRos1Cancel(msg);
          },
        };
    bridge.extend(this.extension);
    if (!ros2) this.timer = setInterval(() => this.publishStatus(), 100);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  // --- ROS 1 ----------------------------------------------------------------------------------------------

  private onRos1Goal(msg: { goal_id: { stamp: unknown; id: string }; goal: G }): void {
    const id = msg.goal_id.id;
    if (this.entries.has(id)) return; // actionlib ignores a goal id it already has
    const goal = new Ros1Goal<G>(this, id, msg.goal);
    this.entries.set(id, { goal, stamp: msg.goal_id.stamp, status: ROS1.PENDING, text: '', finishedAt: 0 });
    this.received.push(goal);
    this.handlers.onGoal(goal);
  }

  private onRos1Cancel(msg: { stamp: unknown; id: string }): void {
    for (const [id, e] of this.entries) {
      if (e.finishedAt || (msg.id !== '' && msg.id !== id)) continue;
      this.handlers.onCancel(e.goal as ServerGoal<G>);
    }
  }

  /** @internal */
  setRos1Status(id: string, status: number, text = '', result?: object): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.status = status;
    e.text = text;
    const terminal = status !== ROS1.PENDING && status !== ROS1.ACTIVE;
    if (terminal) e.finishedAt = this.bridge.elapsedMs();
    this.publishStatus();
    if (terminal) {
      this.bridge.publish(`${this.name}/result`, { status: { goal_id: { stamp: e.stamp, id }, status, text }, result: result ?? {} });
    }
  }

  /** @internal */
  ros1Feedback(id: string, feedback: object): void {
    const e = this.entries.get(id);
    if (e) this.bridge.publish(`${this.name}/feedback`, { status: { goal_id: { stamp: e.stamp, id }, status: e.status, text: '' }, feedback });
  }

  /** @internal */
  ros1Status(id: string): number | undefined {
    return this.entries.get(id)?.status;
  }

  private publishStatus(): void {
    const now = this.bridge.elapsedMs();
    for (const [id, e] of this.entries) if (e.finishedAt && now - e.finishedAt > STATUS_KEEP_MS) this.entries.delete(id);
    const status_list = [...this.entries].map(([id, e]) => ({ goal_id: { stamp: e.stamp, id }, status: e.status, text: e.text }));
    this.bridge.publish(`${this.name}/status`, { status_list });
  }

  // --- ROS 2 ----------------------------------------------------------------------------------------------

  private onOp(client: number, frame: any): boolean {
    if (frame?.action !== this.name) return false;
    if (frame.op === 'send_action_goal') {
      const reply = (values: unknown) => this.bridge.sendTo(client, { op: 'action_result', id: frame.id, action: this.name, values, status: 0, result: false });
      let goal: G;
      try {
        if (frame.action_type !== this.type.replace('/', '/action/') && frame.action_type !== this.type) throw new Error('No action server available');
        goal = this.bridge.populate(`${this.type}Goal`, frame.args ?? {});
      } catch (err) {
        reply((err as Error).message);
        return true;
      }
      const g = new Ros2Goal<G>(this, client, String(frame.id), goal, frame.feedback === true);
      this.ros2Goals.set(g.id, g);
      this.received.push(g);
      this.handlers.onGoal(g);
      return true;
    }
    if (frame.op === 'cancel_action_goal') {
      const g = this.ros2Goals.get(String(frame.id));
      if (g && !g.finished) this.handlers.onCancel(g);
      return true;
    }
    return false;
  }

  /** @internal */
  ros2Result(g: Ros2Goal<G>, status: number, result: object): void {
    this.ros2Goals.delete(g.id);
    const values = this.bridge.populate(`${this.type}Result`, result);
    this.bridge.sendTo(g.client, { op: 'action_result', id: g.id, action: this.name, values, status, result: true });
  }

  /** @internal */
  ros2Rejected(g: Ros2Goal<G>): void {
    this.ros2Goals.delete(g.id);
    this.bridge.sendTo(g.client, { op: 'action_result', id: g.id, action: this.name, values: 'Action goal was rejected', status: 0, result: false });
  }

  /** @internal */
  ros2Feedback(g: Ros2Goal<G>, feedback: object): void {
    this.bridge.sendTo(g.client, { op: 'action_feedback', id: g.id, action: this.name, values: this.bridge.populate(`${this.type}Feedback`, feedback) });
  }
}

class Ros1Goal<G> implements ServerGoal<G> {
  finished = false;
  outcome: ServerGoal['outcome'] = null;
  constructor(
    private readonly server: TestActionServer<any>,
    readonly id: string,
    readonly goal: G,
  ) {}

  private end(status: number, result: object, text = ''): void {
    if (this.finished) return;
    this.finished = true;
    this.outcome = status === ROS1.SUCCEEDED ? 'succeeded' : status === ROS1.ABORTED ? 'aborted' : status === ROS1.REJECTED ? 'rejected' : 'canceled';
    this.server.setRos1Status(this.id, status, text, result);
  }

  accept(): void {
    if (!this.finished) this.server.setRos1Status(this.id, ROS1.ACTIVE);
  }
  reject(result: object = {}, text = ''): void {
    this.end(ROS1.REJECTED, result, text);
  }
  feedback(feedback: object): void {
    if (!this.finished) this.server.ros1Feedback(this.id, feedback);
  }
  succeed(result: object): void {
    this.end(ROS1.SUCCEEDED, result);
  }
  abort(result: object, text = ''): void {
    this.end(ROS1.ABORTED, result, text);
  }
  canceled(result: object, text = ''): void {
    this.end(this.server.ros1Status(this.id) === ROS1.PENDING ? ROS1.RECALLED : ROS1.PREEMPTED, result, text);
  }
}

class Ros2Goal<G> implements ServerGoal<G> {
  finished = false;
  outcome: ServerGoal['outcome'] = null;
  constructor(
    private readonly server: TestActionServer<G>,
    readonly client: number,
    readonly id: string,
    readonly goal: G,
    private readonly wantsFeedback: boolean,
  ) {}

  private end(status: number, result: object): void {
    if (this.finished) return;
    this.finished = true;
    this.outcome = status === ROS2.SUCCEEDED ? 'succeeded' : status === ROS2.ABORTED ? 'aborted' : 'canceled';
    this.server.ros2Result(this, status, result);
  }

  accept(): void {}
  reject(): void {
    if (this.finished) return;
    this.finished = true;
    this.outcome = 'rejected';
    this.server.ros2Rejected(this);
  }
  feedback(feedback: object): void {
    if (!this.finished && this.wantsFeedback) this.server.ros2Feedback(this, feedback);
  }
  succeed(result: object): void {
    this.end(ROS2.SUCCEEDED, result);
  }
  abort(result: object): void {
    this.end(ROS2.ABORTED, result);
  }
  canceled(result: object): void {
    this.end(ROS2.CANCELED, result);
  }
}
