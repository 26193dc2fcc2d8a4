import { z } from 'zod';
import { isReservedTypeName } from '../../../primitives/reserved.ts';
import { WandError } from '../../core/errors.ts';
import { displayName, packagePrefix, typeKey } from './type-names.ts';
import { constantsOf, fieldsOf, type Field, type TypeIndex } from './typedefs.ts';

// A robot's message types as zod schemas: what a program passes is checked against them before anything
// is sent, and the same schemas print as the TypeScript declarations the program is type-checked against
// and the model reads. Every field may be left out (rosbridge fills in the ROS default, as on the robot);
// a field the type lacks is an error (rosbridge would drop such a message without a word).

const SAFE: [number, number] = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
const INTEGERS: Record<string, [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  byte: [-128, 255],
  char: [0, 255],
  octet: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  int64: SAFE,
  uint64: [0, Number.MAX_SAFE_INTEGER],
  'builtin/int': SAFE,
};
const FLOATS = new Set(['float32', 'float64', 'float', 'double', 'builtin/float']);
const BOOLEANS = new Set(['bool', 'boolean', 'builtin/bool']);
const STRINGS = new Set(['string', 'wstring', 'builtin/str']);
/** Byte arrays travel base64-encoded from rosbridge; it accepts a list of numbers too. */
const BYTES = new Set(['uint8', 'char', 'octet', 'byte']);
/** ROS 1 time and duration, should rosapi not describe them. */
const ROS1_SPECIALS = new Set(['time', 'duration']);

/** Hands out TypeScript type names: the short one when free, else `Ros…`, else package-qualified. */
export class TypeNamer {
  private readonly owner = new Map<string, string>();
  private readonly ids = new Map<string, string>();

  /** `reserved`: names already declared (the built-in API's types). */
  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.owner.set(r, '');
  }

  idFor(type: string): string {
    const key = typeKey(type);
    const known = this.ids.get(key);
    if (known) return known;
    const short = displayName(type);
    const candidates = [short, `Ros${short}`, `${packagePrefix(type)}${short}`];
    let id = candidates.find((c) => !this.owner.has(c) && !isReservedTypeName(c));
    for (let n = 2; !id; n++) if (!this.owner.has(`${short}${n}`)) id = `${short}${n}`;
    this.owner.set(id, key);
    this.ids.set(key, id);
    return id;
  }
}

export interface FieldAccess {
  schema: z.ZodType;
  default: unknown;
  /** The value at the path in a message (undefined where the message lacks it). */
  get(message: unknown): unknown;
}

export class MessageSchemas {
  private readonly schemas = new Map<string, z.ZodType>();

  constructor(
    private readonly index: TypeIndex,
    private readonly namer: TypeNamer,
  ) {}

  has(type: string): boolean {
    return !!this.index.get(type) || ROS1_SPECIALS.has(type);
  }

  /** The message's schema: a named strict object whose fields may all be left out. */
  message(type: string): z.ZodType {
    const key = typeKey(type);
    const cached = this.schemas.get(key);
    if (cached) return cached;
    const def = this.index.get(type);
    if (!def) {
      if (ROS1_SPECIALS.has(type)) return this.special(type);
      throw new WandError('connection', `rosapi did not describe the type ${type}`);
    }
    const shape: Record<string, z.ZodType> = {};
    for (const f of fieldsOf(def)) shape[f.name] = this.field(f).optional();
    const constants = constantsOf(def);
    const description = [
      type,
      constants.length ? `constants: ${constants.map((c) => `${c.name} = ${c.value}`).join(', ')}` : '',
    ].filter(Boolean);
    const schema = z.strictObject(shape).meta({ id: this.namer.idFor(def.type), description: description.join('; ') });
    this.schemas.set(key, schema);
    return schema;
  }

  /** A message with no fields (std_srvs/Trigger's request, an empty action result). */
  isEmpty(type: string): boolean {
    const def = this.index.get(type);
    return !!def && fieldsOf(def).length === 0;
  }

  private special(type: string): z.ZodType {
    const int32 = z.number().int().min(-(2 ** 31)).max(2 ** 31 - 1);
    const schema = z.strictObject({ secs: int32.optional(), nsecs: int32.optional() }).meta({ id: this.namer.idFor(type), description: type });
    this.schemas.set(typeKey(type), schema);
    return schema;
  }

  field(f: Field): z.ZodType {
    const one = this.single(f.type);
    if (f.arrayLength < 0) return one;
    const array = f.arrayLength > 0 ? z.array(one).length(f.arrayLength) : z.array(one);
    return BYTES.has(f.type) ? z.union([z.string(), array]) : array;
  }

  private single(type: string): z.ZodType {
    const range = INTEGERS[type];
    if (range) return z.number().int().min(range[0]).max(range[1]);
    if (FLOATS.has(type)) return z.number();
    if (BOOLEANS.has(type)) return z.boolean();
    if (STRINGS.has(type)) return z.string();
    if (this.has(type)) return this.message(type);
    return z.unknown();
  }

  /** The message the type's constructor would make: what rosbridge fills in for what is left out. */
  defaults(type: string): Record<string, unknown> {
    const def = this.index.get(type);
    if (!def) return ROS1_SPECIALS.has(type) ? { secs: 0, nsecs: 0 } : {};
    return Object.fromEntries(fieldsOf(def).map((f) => [f.name, this.fieldDefault(f)]));
  }

  private fieldDefault(f: Field): unknown {
    if (f.arrayLength < 0) return this.singleDefault(f.type, f.example);
    return Array.from({ length: f.arrayLength }, () => this.singleDefault(f.type, undefined));
  }

  private singleDefault(type: string, example: string | undefined): unknown {
    if (INTEGERS[type] || FLOATS.has(type)) {
      const n = Number(example);
      return example !== undefined && example !== '' && Number.isFinite(n) ? n : 0;
    }
    if (BOOLEANS.has(type)) return example === 'True' || example === 'true';
    if (STRINGS.has(type)) return example ?? '';
    if (this.has(type)) return this.defaults(type);
    return null;
  }

  /**
   * One field of a message by its path (`percentage`, `pose.pose.position`, `cell_voltage[0]`); throws a
   * usage error naming what exists when the path does not.
   */
  fieldAt(type: string, path: string): FieldAccess {
    const steps = parsePath(path);
    let schema: z.ZodType = this.message(type);
    let dflt: unknown = this.defaults(type);
    let current: { kind: 'message'; type: string } | { kind: 'array'; field: Field } = { kind: 'message', type };
    for (const step of steps) {
      if (current.kind === 'array') {
        if (typeof step !== 'number') throw new WandError('usage', `field "${path}": ${current.field.name} is an array; index it like ${current.field.name}[0]`);
        const f: Field = { ...current.field, arrayLength: -1, example: undefined };
        schema = this.field(f);
        dflt = this.fieldDefault(f);
        current = this.has(f.type) ? { kind: 'message', type: f.type } : { kind: 'message', type: '' };
        continue;
      }
      const def = this.index.get(current.type);
      const fields = def ? fieldsOf(def) : [];
      const f = typeof step === 'string' ? fields.find((x) => x.name === step) : undefined;
      if (!f) {
        const names = fields.map((x) => x.name).join(', ') || 'none';
        throw new WandError('usage', `field "${path}": ${current.type || 'this value'} has no field ${JSON.stringify(step)} (fields: ${names})`);
      }
      schema = this.field(f);
      dflt = this.fieldDefault(f);
      current = f.arrayLength >= 0 ? { kind: 'array', field: f } : { kind: 'message', type: this.has(f.type) ? f.type : '' };
    }
    return { schema, default: dflt, get: (message) => steps.reduce<unknown>((v, s) => (v as any)?.[s], message) };
  }
}

/** `pose.position.x`, `cell_voltage[2]` or `cell_voltage.2` → ['pose', 'position', 'x'], ['cell_voltage', 2]. */
export function parsePath(path: string): (string | number)[] {
  const steps: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = /^([A-Za-z_]\w*)?((?:\[\d+\])*)$/.exec(part);
    if (!m || (!m[1] && !m[2])) {
      if (/^\d+$/.test(part)) {
        steps.push(Number(part));
        continue;
      }
      throw new WandError('usage', `field "${path}" is not a field path like pose.position.x or cell_voltage[0]`);
    }
    if (m[1]) steps.push(m[1]);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) steps.push(Number(idx[1]));
  }
  return steps;
}
