import { z } from 'zod';
import type { Primitive } from '../../../primitives/define.ts';
import { generateDts } from '../../../primitives/dts.ts';
import { interfacePrimitive, type DeclaredInterfaces, type InterfaceSpec } from '../../../primitives/interface.ts';
import { WandError } from '../../core/errors.ts';
import { BUILTIN_PRIMITIVES, type InterfaceEntry, type Unrehearsed } from './config.ts';
import { indexOf, type ResolvedInterface } from './introspect.ts';
import { goalPoints, isNavigation, isVelocity, knownMotion, requireGoalsInFence, requireVelocityWithinLimits } from './motion.ts';
import { MessageSchemas, TypeNamer } from './schema.ts';
import { typeKey } from './type-names.ts';
import { fieldsOf, type TypeIndex } from './typedefs.ts';

// Declared interfaces → InterfaceSpecs → primitives. With a robot, each spec carries the robot's own
// types; without one (the simulator with --config) the types are unknown and the arguments are only
// checked to be plain objects.

const seconds = (s: number) => `${Number(s.toFixed(3))} s`;

function defaultDoc(e: InterfaceEntry): string {
  switch (e.kind) {
    case 'service':
      return `Call the ${e.name} service.`;
    case 'topic':
      return `Publish a message on ${e.name}.`;
    case 'action':
      return `Send a goal to the ${e.name} action and wait for its result.`;
    case 'read':
      return `The latest message on ${e.name}${e.field ? ` (its ${e.field})` : ''}.`;
  }
}

/** The facts a program needs beside the person's description: what it reaches, and its limits. */
function facts(e: InterfaceEntry, type: string | undefined, motion: boolean): string {
  const parts = [`${e.kind} ${e.name}${type ? ` ${type}` : ''}`];
  if (e.kind === 'service') parts.push(`timeout ${seconds(e.timeoutS)}`);
  if (e.kind === 'topic') parts.push(`at most ${e.maxRateHz} per second`);
  if (e.kind === 'action') parts.push(`waits for the result at most ${seconds(e.timeoutS)}`);
  if (e.kind === 'read') parts.push(`returns {value, ageS}; an error if older than ${seconds(e.maxAgeS)}`);
  if (motion) parts.push('moves the robot');
  return `[${parts.join('; ')}]`;
}

function motionOf(e: InterfaceEntry, type: string | undefined): boolean {
  if (e.kind === 'read') return false;
  const known = type ? knownMotion(e.kind, type, e.name) : false;
  if (known && e.motion === false) {
    throw new WandError('usage', `${e.primitive}: "motion": false is not possible for ${type}, which moves the robot`);
  }
  return e.motion ?? known;
}

/** The type names the built-in API already declares (Vec3, Pose, ...): generated types must not reuse them. */
export function declaredTypeNames(prims: Primitive<any>[]): string[] {
  return [...generateDts(prims).matchAll(/^type (\w+) =/gm)].map((m) => m[1]!);
}

const Reading = (value: z.ZodType) => z.object({ value, ageS: z.number() });

/** Specs for interfaces resolved against a robot (rosapi told their types). */
export function robotSpecs(resolved: ResolvedInterface[], builtins: Primitive<any>[]): InterfaceSpec[] {
  const index = indexOf(resolved);
  const schemas = new MessageSchemas(index, new TypeNamer(declaredTypeNames(builtins)));
  return resolved.map((r) => {
    const e = r.entry;
    const motion = motionOf(e, r.type);
    const doc = `${e.doc ?? defaultDoc(e)} ${facts(e, r.type, motion)}`;
    const base = { primitive: e.primitive, kind: e.kind, target: e.name, type: r.type, doc, motion };
    const maybeEmpty = (type: string) => (schemas.isEmpty(type) ? undefined : schemas.message(type));
    switch (e.kind) {
      case 'service': {
        const request = maybeEmpty(r.parts.request!);
        const response = maybeEmpty(r.parts.response!);
        return {
          ...base,
          ...(request && { param: { name: 'request', schema: request } }),
          returns: response ?? z.void(),
          stubReply: () => (response ? schemas.defaults(r.parts.response!) : undefined),
        };
      }
      case 'topic': {
        const message = r.parts.message!;
        return {
          ...base,
          param: { name: 'message', schema: schemas.message(message) },
          returns: z.void(),
          maxRateHz: e.maxRateHz,
          stubReply: () => undefined,
          guard: guardFor(e, r.type, 'self'),
        };
      }
      case 'action': {
        const goal = maybeEmpty(r.parts.goal!);
        const result = maybeEmpty(r.parts.result!);
        const goalDef = index.get(r.parts.goal!);
        const poseFields = (goalDef ? fieldsOf(goalDef) : []).filter((f) => holdsPose(index, f.type)).map((f) => f.name);
        return {
          ...base,
          ...(goal && { param: { name: 'goal', schema: goal } }),
          returns: result ?? z.void(),
          stubReply: () => (result ? schemas.defaults(r.parts.result!) : undefined),
          guard: guardFor(e, r.type, poseFields),
        };
      }
      case 'read': {
        const access = e.field ? schemas.fieldAt(r.parts.message!, e.field) : null;
        const value = access ? access.schema : schemas.message(r.parts.message!);
        return {
          ...base,
          returns: Reading(value),
          stubReply: () => ({ value: access ? access.default : schemas.defaults(r.parts.message!), ageS: 0 }),
        };
      }
    }
  });
}

const POSES = new Set(['geometry_msgs/PoseStamped', 'geometry_msgs/Pose']);

/** Whether a message type is a pose or holds one somewhere inside (a path, a list of waypoints). */
function holdsPose(index: TypeIndex, type: string, seen = new Set<string>()): boolean {
  if (POSES.has(typeKey(type))) return true;
  const def = index.get(type);
  if (!def || seen.has(typeKey(type))) return false;
  seen.add(typeKey(type));
  return fieldsOf(def).some((f) => holdsPose(index, f.type, seen));
}

/** What the envelope checks before a topic message or an action goal of this type is sent. */
function guardFor(e: InterfaceEntry, type: string, poseFields: string[] | 'self'): InterfaceSpec['guard'] {
  if (e.kind === 'topic' && isVelocity(type)) return (arg, env, backend) => requireVelocityWithinLimits(e.primitive, arg, env, backend);
  if ((e.kind === 'topic' || e.kind === 'action') && isNavigation(e.kind, type, e.name)) {
    if (poseFields !== 'self' && poseFields.length === 0) return undefined;
    return (arg, env) => requireGoalsInFence(e.primitive, goalPoints(arg, poseFields), env);
  }
  return undefined;
}

const AnyMessage = z.record(z.string(), z.unknown());

/**
 * Specs for the simulator without a robot (`--world mobile --config FILE`): the types are not known, so a
 * call takes any plain object and the stand-in answers an empty reply.
 */
export function offlineSpecs(entries: InterfaceEntry[]): InterfaceSpec[] {
  return entries.map((e) => {
    const motion = motionOf(e, e.type);
    const doc = `${e.doc ?? defaultDoc(e)} ${facts(e, e.type, motion)}`;
    const base = { primitive: e.primitive, kind: e.kind, target: e.name, type: e.type ?? 'unknown', doc, motion };
    if (e.kind === 'read') return { ...base, returns: Reading(z.unknown()), stubReply: () => ({ value: null, ageS: 0 }) };
    const name = e.kind === 'service' ? 'request' : e.kind === 'topic' ? 'message' : 'goal';
    const param = { name, schema: e.kind === 'topic' ? AnyMessage : AnyMessage.optional() };
    return {
      ...base,
      param,
      returns: e.kind === 'topic' ? z.void() : z.unknown(),
      ...(e.kind === 'topic' && { maxRateHz: e.maxRateHz }),
      stubReply: () => (e.kind === 'topic' ? undefined : {}),
    };
  });
}

/** The primitives of a profile plus one per interface spec. */
export function withInterfaces(builtins: Primitive<any>[], specs: InterfaceSpec[]): Primitive<any>[] {
  return [...builtins, ...specs.map((s) => interfacePrimitive(s, BUILTIN_PRIMITIVES))];
}

/**
 * The simulator opened with a robot config (`--world mobile --config FILE`): the declared interfaces exist
 * for programs, answered by stand-ins, so a program for the robot can be tried here first.
 */
export function simulatedInterfaces(
  builtins: Primitive<any>[],
  config: { interfaces: InterfaceEntry[]; unrehearsed: Unrehearsed } | undefined,
): { primitives: Primitive<any>[]; interfaces?: DeclaredInterfaces } {
  if (!config?.interfaces.length) return { primitives: builtins };
  const specs = offlineSpecs(config.interfaces);
  return { primitives: withInterfaces(builtins, specs), interfaces: { specs, unrehearsed: config.unrehearsed } };
}
