import { z } from 'zod';
import { WandError } from '../src/core/errors.ts';
import { envelopeOf, type Envelope } from '../src/safety/envelope.ts';
import type { Backend } from './backend.ts';
import { definePrimitive, type Primitive, type PrimitiveContext } from './define.ts';
import { reservedNameReason } from './reserved.ts';

// Primitives built at run time from a robot's declared interfaces (a service, a topic to publish, an
// action, a topic to read). They are ordinary Primitives: the same validation, .d.ts, prompt text and
// README listing as the built-in ones. Only the robot's own backend carries the real interfaces
// (HasInterfaces); on any other backend — the simulator, a rehearsal twin — a stand-in answers that checks
// the arguments and returns a reply of the right shape, and the call is marked "not simulated".

export type InterfaceKind = 'service' | 'topic' | 'action' | 'read';

export interface InterfaceSpec {
  primitive: string;
  kind: InterfaceKind;
  /** The ROS name (/dock) and type (std_srvs/srv/Trigger), for docs and messages. */
  target: string;
  type: string;
  doc: string;
  /** The single positional parameter (a request, a message, a goal); none for reads and empty requests. */
  param?: { name: string; schema: z.ZodType };
  returns: z.ZodType;
  /** Moves the robot: cannot be rehearsed, so it runs only when approved or allowed by the config. */
  motion: boolean;
  /** Topics: at most this many messages per second (a faster program is slowed down, never dropped). */
  maxRateHz?: number;
  /** The reply of the simulator's stand-in: a default-shaped response, result or reading. */
  stubReply(): unknown;
  /**
   * Refuses an argument the safety envelope forbids (a navigation goal outside the geofence, a velocity over
   * the limits) before anything is sent; on the robot and in its rehearsal alike.
   */
  guard?(arg: unknown, envelope: Envelope | null, backend: Backend): void;
}

/** A robot's declared interfaces as the runner sees them (OpenBackend.interfaces). */
export interface DeclaredInterfaces {
  specs: InterfaceSpec[];
  /** "approve": motion interfaces run only after the person's approval; "allow": without (always stated). */
  unrehearsed: 'approve' | 'allow';
}

/** What the primitive hands the real interface besides its argument. */
export interface InterfaceCall {
  signal: AbortSignal;
  /** Progress of a long call (an action's feedback), as one short line plus the raw message. */
  progress(text: string, data?: unknown): void;
}

/** The real interfaces of one robot; attached to its backend object (see attachInterfaces). */
export interface InterfaceHost {
  invoke(spec: InterfaceSpec, arg: unknown, call: InterfaceCall): Promise<unknown>;
  /** Leave what the interfaces drive at rest (a zero velocity on velocity topics); never throws. */
  halt(): Promise<void>;
}

export interface HasInterfaces {
  readonly interfaces: InterfaceHost;
}

/**
 * The robot's interfaces travel as a property of its backend object, so wrappers (the session's proxies)
 * still reach them and no simulated twin ever does.
 */
export function attachInterfaces(backend: Backend, host: InterfaceHost): void {
  Object.defineProperty(backend, 'interfaces', { value: host, enumerable: false, configurable: false, writable: false });
}

export function interfaceHostOf(backend: Backend): InterfaceHost | null {
  const host = (backend as Partial<HasInterfaces>).interfaces;
  return host && typeof host.invoke === 'function' ? host : null;
}

/** Time of each interface primitive's last publish, per backend (a rehearsal twin starts afresh). */
const lastPublish = new WeakMap<object, Map<string, number>>();

async function rateLimit(ctx: PrimitiveContext, spec: InterfaceSpec): Promise<void> {
  if (!spec.maxRateHz) return;
  let times = lastPublish.get(ctx.backend);
  if (!times) lastPublish.set(ctx.backend, (times = new Map()));
  const period = 1 / spec.maxRateHz;
  const last = times.get(spec.primitive);
  const now = ctx.backend.simTimeS();
  if (last !== undefined && now - last < period) await ctx.backend.wait(period - (now - last), ctx.signal);
  times.set(spec.primitive, ctx.backend.simTimeS());
}

/** One primitive for one declared interface. `builtins`: the names it must not shadow. */
export function interfacePrimitive(spec: InterfaceSpec, builtins: Iterable<string>): Primitive {
  const why = reservedNameReason(spec.primitive, builtins);
  if (why) throw new WandError('usage', `the interface primitive name "${spec.primitive}" cannot be used: ${why}`);
  const params: z.ZodRawShape = spec.param ? { [spec.param.name]: spec.param.schema } : {};
  return definePrimitive({
    name: spec.primitive,
    doc: spec.doc,
    params,
    returns: spec.returns,
    query: spec.kind === 'read',
    async run(ctx, args) {
      const arg = spec.param ? args[spec.param.name] : undefined;
      spec.guard?.(arg, envelopeOf(ctx.backend), ctx.backend);
      await rateLimit(ctx, spec);
      const host = interfaceHostOf(ctx.backend);
      if (!host) {
        ctx.notSimulated?.();
        return spec.stubReply();
      }
      if (spec.motion && !ctx.permits?.unrehearsedMotion) {
        throw new WandError(
          'safety',
          `${spec.primitive} moves the robot and cannot be rehearsed in the simulator, so it runs only after approval ` +
            `(--approve) or with "unrehearsed": "allow" in the robot config; nothing was sent`,
          { primitive: spec.primitive },
        );
      }
      return host.invoke(spec, arg, { signal: ctx.signal, progress: (text, data) => ctx.progress?.(text, data) });
    },
  });
}
