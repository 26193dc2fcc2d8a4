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
  private readonly actions = new Map<string, ActionClient>();
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
        host.actions.set(e.primitive, await createActionClient(links.commands, { name: e.name, type: r.type, version: r.ros ?? 1, feedback: true }));
      }
    }
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
    const client = this.actions.get(e.primitive)!;
    let last = 0;
    const onFeedback = (fb: unknown) => {
      const now = performance.now();
      if (now - last < PROGRESS_EVERY_MS) return;
      last = now;
      call.progress(feedbackText(fb), fb);
    };
    let outcome: GoalOutcome<unknown>;
    try {
      outcome = await client.send(goal ?? {}, { timeoutMs: e.timeoutS * 1000, signal: call.signal, onFeedback }).done;
    } catch (err) {
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

  async halt(): Promise<void> {
    if (!this.links.commands.isUp) return;
    const zero = { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } };
    for (const { topic, stamped } of this.moving.values()) topic.publish(stamped ? { header: { frame_id: '' }, twist: zero } : zero);
    this.moving.clear();
    await this.links.commands.flush(100);
  }

  dispose(): void {
    for (const a of this.actions.values()) a.dispose();
    for (const r of this.readers.values()) r.stop();
    if (this.links.commands.isUp) for (const t of this.publishers.values()) t.unadvertise();
  }
}
