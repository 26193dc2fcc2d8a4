import { z } from 'zod';
import { PROFILES } from '../../../primitives/index.ts';
import { reservedNameReason } from '../../../primitives/reserved.ts';

// The `interfaces` part of the robot config: which of the robot's own services, topics and actions a
// program may reach, each under a primitive name. Nothing else on the robot can be reached.
//
//   { "primitive": "dock", "service": "/dock", "doc": "Drive onto the charging dock." }
//   { "primitive": "setLight", "topic": "/light/color", "maxRateHz": 2 }
//   { "primitive": "navigateTo", "action": "/navigate_to_pose", "timeoutS": 120, "motion": true }
//   { "primitive": "batteryLevel", "read": "/battery_state", "field": "percentage", "maxAgeS": 5 }

export const INTERFACE_DEFAULTS = Object.freeze({
  /** Messages per second a topic primitive may publish. */
  maxRateHz: 10,
  serviceTimeoutS: 10,
  actionTimeoutS: 60,
  /** A reading older than this is an error, not a value. */
  maxAgeS: 5,
});

const KINDS = ['service', 'topic', 'action', 'read'] as const;
export type EntryKind = (typeof KINDS)[number];

/** Which keys each kind of entry takes besides primitive, doc, type and its own name key. */
const KIND_KEYS: Record<EntryKind, readonly string[]> = {
  service: ['timeoutS', 'motion'],
  topic: ['maxRateHz', 'motion'],
  action: ['timeoutS', 'motion'],
  read: ['field', 'maxAgeS'],
};

const RosName = z.string().regex(/^\/?[A-Za-z~][\w/~]*$/, 'a ROS name like /dock');
const RosType = z.string().regex(/^[A-Za-z]\w*\/(?:(?:msg|srv|action)\/)?[A-Za-z]\w*$/, 'a ROS type like std_srvs/Trigger or std_srvs/srv/Trigger');

/** Every built-in primitive name, of every profile: an interface may shadow none of them. */
export const BUILTIN_PRIMITIVES: readonly string[] = [...new Set(Object.values(PROFILES).flatMap((ps) => ps.map((p) => p.name)))];

const RawEntry = z
  .strictObject({
    primitive: z.string(),
    doc: z.string().trim().min(1, 'a non-empty description').max(400, 'at most 400 characters').optional(),
    service: RosName.optional(),
    topic: RosName.optional(),
    action: RosName.optional(),
    read: RosName.optional(),
    /** The type the robot must report (and what the simulator assumes without a robot). */
    type: RosType.optional(),
    maxRateHz: z.number().finite().positive().max(100, 'at most 100 messages per second').optional(),
    timeoutS: z.number().finite().positive().max(3600, 'at most an hour').optional(),
    motion: z.boolean().optional(),
    field: z.string().min(1).optional(),
    maxAgeS: z.number().finite().positive().max(86_400, 'at most a day').optional(),
  })
  .superRefine((e, ctx) => {
    const why = reservedNameReason(e.primitive, BUILTIN_PRIMITIVES);
    if (why) ctx.addIssue({ code: 'custom', path: ['primitive'], message: `"${e.primitive}" cannot be a primitive name: ${why}` });
    const kinds = KINDS.filter((k) => e[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: kinds.length ? `give one of service, topic, action or read, not ${kinds.join(' and ')}` : 'say what it is: "service", "topic", "action" or "read" with the ROS name',
      });
      return;
    }
    const kind = kinds[0]!;
    for (const key of Object.values(KIND_KEYS).flat()) {
      if ((e as Record<string, unknown>)[key] !== undefined && !KIND_KEYS[kind].includes(key)) {
        const takers = KINDS.filter((k) => KIND_KEYS[k].includes(key)).join(' and ');
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} is for ${takers} entries, not a ${kind}` });
      }
    }
  });

export type InterfaceEntry =
  | { kind: 'service'; primitive: string; doc?: string; name: string; type?: string; timeoutS: number; motion?: boolean }
  | { kind: 'topic'; primitive: string; doc?: string; name: string; type?: string; maxRateHz: number; motion?: boolean }
  | { kind: 'action'; primitive: string; doc?: string; name: string; type?: string; timeoutS: number; motion?: boolean }
  | { kind: 'read'; primitive: string; doc?: string; name: string; type?: string; field?: string; maxAgeS: number };

const Entry = RawEntry.transform((e): InterfaceEntry => {
  const base = { primitive: e.primitive, ...(e.doc !== undefined && { doc: e.doc }), ...(e.type !== undefined && { type: e.type }) };
  const motion = e.motion === undefined ? {} : { motion: e.motion };
  if (e.service) return { kind: 'service', ...base, name: e.service, timeoutS: e.timeoutS ?? INTERFACE_DEFAULTS.serviceTimeoutS, ...motion };
  if (e.topic) return { kind: 'topic', ...base, name: e.topic, maxRateHz: e.maxRateHz ?? INTERFACE_DEFAULTS.maxRateHz, ...motion };
  if (e.action) return { kind: 'action', ...base, name: e.action, timeoutS: e.timeoutS ?? INTERFACE_DEFAULTS.actionTimeoutS, ...motion };
  return { kind: 'read', ...base, name: e.read!, ...(e.field ? { field: e.field } : {}), maxAgeS: e.maxAgeS ?? INTERFACE_DEFAULTS.maxAgeS };
});

export const Interfaces = z
  .array(Entry)
  .max(64, 'at most 64 interfaces')
  .superRefine((entries, ctx) => {
    const seen = new Map<string, number>();
    entries.forEach((e, i) => {
      const first = seen.get(e.primitive);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'primitive'], message: `"${e.primitive}" is already the name of interfaces[${first}]` });
      else seen.set(e.primitive, i);
    });
  });

/**
 * Motion through a declared interface cannot be rehearsed in the simulator: "approve" (the default) runs it
 * only after the person approved the program (--approve); "allow" runs it without, and every status line
 * and run report says so.
 */
export const Unrehearsed = z.enum(['approve', 'allow']);
export type Unrehearsed = z.infer<typeof Unrehearsed>;

/** `interfaces[2] ("setLight").maxRateHz` for a config error's path, so the entry is found at once. */
export function configPathText(path: readonly PropertyKey[], data: unknown): string {
  if (path[0] !== 'interfaces' || typeof path[1] !== 'number') return path.map(String).join('.');
  const entry = (data as { interfaces?: unknown[] } | null)?.interfaces?.[path[1]] as { primitive?: unknown } | undefined;
  const name = typeof entry?.primitive === 'string' ? ` ("${entry.primitive}")` : '';
  const rest = path.slice(2).map(String);
  return `interfaces[${path[1]}]${name}${rest.length ? `.${rest.join('.')}` : ''}`;
}
