import { Topic } from 'roslib';
import { z } from 'zod';
import type { InterfaceCall, InterfaceHost, InterfaceSpec } from '../../../primitives/interface.ts';
import { WandError } from '../../core/errors.ts';
import { ActionCallError, createActionClient, type ActionClient, type GoalOutcome } from '../action.ts';
import type { RosLink } from '../link.ts';
import { ServiceCallError, callService } from '../service.ts';
import type { InterfaceEntry } from './config.ts';
import type { ResolvedInterface } from './introspect.ts';
import { isVelocity } from './motion.ts';
import { feedbackText } from './feedback.ts';
import { Reader } from './reader.ts';
import { parsePath } from './schema.ts';

// The real side of a robot's declared interfaces. Calls and publishes go on the command link, readings
// come on the telemetry link. Nothing is queued while the link is down (roslib would replay it after a
// reconnect); every call has a timeout; an action goal is cancelled when the program is stopped (Ctrl-C,
// the e-stop, a lost link aborts its signal).

/** Progress lines from one action goal, at most this often. */
const PROGRESS_EVERY_MS = 250;

interface Links {
  commands: RosLink;
  telemetry: RosLink;
}

export class RosInterfaces implements InterfaceHost {
  private readonly entries = new Map<string, InterfaceEntry>();
  private readonly publishers = new Map<string, Topic<unknown>>();
  private readonly readers = new Map<string, Reader>();
  private readonly actions = new Map<string, { client: ActionClient; ros: 1 | 2 }>();
  /** Goals that were running when the link was lost: cancelled as soon as it is back. */
  private orphans: { entry: InterfaceEntry; id: string; ros: 1 | 2 }[] = [];
  /** Velocity topics a program published on since the last halt: they get a zero command. */
  private readonly moving = new Map<string, { topic: Topic<unknown>; stamped: boolean }>();

  private constructor(private readonly links: Links) {}

  /** Advertises, subscribes and makes action clients now, well before the first call (a fresh ROS 1 publisher loses its first messages). */
  static async open(links: Links, resolved: ResolvedInterface[]): Promise<RosInterfaces> {
    const host = new RosInterfaces(links);
    for (const r of resolved) {
      const e = r.entry;
      host.entries.set(e.primitive, e);
      if (e.kind === 'topic') {
        const topic = new Topic({ ros: links.commands.ros, name: e.name, messageType: r.type, queue_size: 1 });
        if (links.commands.isUp) topic.advertise();
        host.publishers.set(e.primitive, topic);
      } else if (e.kind === 'read') {
        const steps = e.field ? parsePath(e.field) : [];
        const pick = (m: unknown) => steps.reduce<unknown>((v, step) => (v as any)?.[step], m);
        const reader = new Reader(links.telemetry, e.name, r.type, e.maxAgeS, pick);
        reader.start();
        host.readers.set(e.primitive, reader);
      } else if (e.kind === 'action') {
        const ros = r.ros ?? 1;
        host.actions.set(e.primitive, { client: await createActionClient(links.commands, { name: e.name, type: r.type, version: ros, feedback: true }), ros });
      }
    }
    links.commands.on('up', host.cancelOrphans);
    return host;
  }

  async invoke(spec: InterfaceSpec, arg: unknown, call: InterfaceCall): Promise<unknown> {
    const e = this.entries.get(spec.primitive);
    if (!e) throw new WandError('validation', `${spec.primitive} is not an interface of this robot`, { primitive: spec.primitive });
    switch (e.kind) {
      case 'service':
        return this.callService(e, arg);
      case 'topic':
        return this.publish(e, spec, arg);
      case 'read':
        return this.readers.get(e.primitive)!.latest(call.signal);
      case 'action':
        return this.sendGoal(e, spec, arg, call);
    }
  }

  private async callService(e: Extract<InterfaceEntry, { kind: 'service' }>, arg: unknown): Promise<unknown> {
    try {
      const res = await callService(this.links.commands, e.name, (arg ?? {}) as object, e.timeoutS * 1000);
      return res && typeof res === 'object' && Object.keys(res).length === 0 ? null : res;
    } catch (err) {
      if (!(err instanceof ServiceCallError)) throw err;
      const kind = err.reason === 'timeout' ? 'timeout' : err.reason === 'disconnected' ? 'connection' : 'physical';
      const why =
        err.reason === 'timeout'
          ? `no answer from ${e.name} within ${e.timeoutS} s (timeoutS)`
          : err.reason === 'disconnected'
            ? `the connection to rosbridge was lost; the call to ${e.name} may or may not have reached the robot`
            : `the service ${e.name} failed: ${err.message.replace(`${e.name}: `, '')}`;
      throw new WandError(kind, `${e.primitive}: ${why}`, { primitive: e.primitive });
    }
  }

  private publish(e: Extract<InterfaceEntry, { kind: 'topic' }>, spec: InterfaceSpec, msg: unknown): null {
    if (!this.links.commands.isUp) {
      throw new WandError('connection', `${e.primitive}: not connected to rosbridge; the message was not sent (nothing is queued)`, { primitive: e.primitive });
    }
    const topic = this.publishers.get(e.primitive)!;
    topic.publish(msg);
    if (isVelocity(spec.type)) this.moving.set(e.primitive, { topic, stamped: spec.type.endsWith('Stamped') });
    return null;
  }

  private async sendGoal(e: Extract<InterfaceEntry, { kind: 'action' }>, spec: InterfaceSpec, goal: unknown, call: InterfaceCall): Promise<unknown> {
    const { client, ros } = this.actions.get(e.primitive)!;
    let last = 0;
    const onFeedback = (fb: unknown) => {
      const now = performance.now();
      if (now - last < PROGRESS_EVERY_MS) return;
      last = now;
      call.progress(feedbackText(fb), fb);
    };
    let outcome: GoalOutcome<unknown>;
    const handle = client.send(goal ?? {}, { timeoutMs: e.timeoutS * 1000, signal: call.signal, onFeedback });
    try {
      outcome = await handle.done;
    } catch (err) {
      // A goal ended by a lost link may still run on the robot: cancel it once the link is back.
      if (!this.links.commands.isUp) this.orphans.push({ entry: e, id: handle.id, ros });
      if (!(err instanceof ActionCallError)) throw err;
      const kind = err.reason === 'timeout' ? 'timeout' : 'connection';
      const why =
        err.reason === 'timeout'
          ? `no result from ${e.name} within ${e.timeoutS} s (timeoutS); the goal was cancelled`
          : err.reason === 'disconnected'
            ? `the connection to rosbridge was lost while ${e.name} ran its goal`
            : err.message;
      throw new WandError(kind, `${e.primitive}: ${why}`, { primitive: e.primitive });
    }
    const text = outcome.text ? ` (${outcome.text})` : '';
    if (outcome.status === 'succeeded') return spec.returns instanceof z.ZodVoid ? null : outcome.result;
    const said = outcome.status === 'canceled' ? 'was cancelled on the robot' : outcome.status === 'rejected' ? 'rejected the goal' : `${outcome.status} the goal`;
    throw new WandError('physical', `${e.primitive}: the action ${e.name} ${said}${text}`, { primitive: e.primitive });
  }

  /**
   * Cancels the goals a lost link left running. ROS 1: a cancel with the goal's id on <action>/cancel, sent a
   * few times (a fresh ROS 1 publisher loses its first messages). ROS 2: the goal lived in the old rosbridge
   * session, whose id the action server never saw, so the action's own cancel service is asked to cancel
   * all its goals (a zero goal id and stamp).
   */
  private readonly cancelOrphans = (): void => {
    const orphans = this.orphans.splice(0);
    for (const o of orphans) {
      if (o.ros === 1) {
        const topic = new Topic({ ros: this.links.commands.ros, name: `${o.entry.name.replace(/\/$/, '')}/cancel`, messageType: 'actionlib_msgs/GoalID' });
        topic.advertise();
        for (const ms of [200, 500, 1000]) {
          setTimeout(() => this.links.commands.isUp && topic.publish({ stamp: { secs: 0, nsecs: 0 }, id: o.id }), ms).unref();
        }
        setTimeout(() => this.links.commands.isUp && topic.unadvertise(), 1500).unref();
      } else {
        const goal_info = { goal_id: { uuid: new Array(16).fill(0) }, stamp: { sec: 0, nanosec: 0 } };
        callService(this.links.commands, `${o.entry.name.replace(/\/$/, '')}/_action/cancel_goal`, { goal_info }, 2000).catch(() => {});
      }
    }
  };

  async halt(): Promise<void> {
    if (!this.links.commands.isUp) return;
    const zero = { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } };
    for (const { topic, stamped } of this.moving.values()) topic.publish(stamped ? { header: { frame_id: '' }, twist: zero } : zero);
    this.moving.clear();
    await this.links.commands.flush(100);
  }

  dispose(): void {
    this.links.commands.off('up', this.cancelOrphans);
    for (const a of this.actions.values()) a.client.dispose();
    for (const r of this.readers.values()) r.stop();
    if (this.links.commands.isUp) for (const t of this.publishers.values()) t.unadvertise();
  }
}
