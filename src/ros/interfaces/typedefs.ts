import { z } from 'zod';
import { typeKey } from './type-names.ts';

// rosapi's type descriptions (rosapi/TypeDef, rosapi_msgs/msg/TypeDef), as message_details,
// service_request_details, service_response_details and action_{goal,result,feedback}_details return them:
// the asked type first, then every type it contains, each once. `fieldarraylen` is -1 for a single value,
// 0 for a variable-length array, N for a fixed one. ROS 2 field types are the IDL names (boolean, double,
// octet) and a bounded string can come out as `builtin/str`; ROS 1's time and duration are typedefs of
// their own ({secs, nsecs}). Constants are listed with values as text; a ROS 2 rosapi also lists field
// accessors and SLOT_TYPES there, which are not constants.

export const TypeDef = z.object({
  type: z.string(),
  fieldnames: z.array(z.string()),
  fieldtypes: z.array(z.string()),
  fieldarraylen: z.array(z.number().int()),
  examples: z.array(z.string()).optional(),
  constnames: z.array(z.string()).optional(),
  constvalues: z.array(z.string()).optional(),
});
export type TypeDef = z.infer<typeof TypeDef>;

export const TypeDefsResponse = z.object({ typedefs: z.array(TypeDef) });

export interface Field {
  name: string;
  type: string;
  /** -1 one value, 0 variable-length array, N fixed-length array. */
  arrayLength: number;
  /** rosapi's example (the default value, as Python prints it). */
  example?: string;
}

/** A field ROS 2's C type support adds to empty messages; not part of the message on the wire. */
const PLACEHOLDER_FIELD = 'structure_needs_at_least_one_member';

export function fieldsOf(def: TypeDef): Field[] {
  const out: Field[] = [];
  def.fieldnames.forEach((name, i) => {
    if (name === PLACEHOLDER_FIELD) return;
    out.push({ name, type: def.fieldtypes[i] ?? 'unknown', arrayLength: def.fieldarraylen[i] ?? -1, example: def.examples?.[i] });
  });
  return out;
}

/** The real constants of a typedef (UPPER_CASE names that are not fields or SLOT_TYPES). */
export function constantsOf(def: TypeDef): { name: string; value: string }[] {
  const fields = new Set(def.fieldnames);
  const names = def.constnames ?? [];
  return names
    .map((name, i) => ({ name, value: def.constvalues?.[i] ?? '' }))
    .filter((c) => /^[A-Z][A-Z0-9_]*$/.test(c.name) && c.name !== 'SLOT_TYPES' && !fields.has(c.name));
}

/** Every typedef a robot described, found by either spelling of its type name. */
export class TypeIndex {
  private readonly defs = new Map<string, TypeDef>();

  constructor(typedefs: Iterable<TypeDef> = []) {
    this.add(typedefs);
  }

  add(typedefs: Iterable<TypeDef>): void {
    for (const d of typedefs) if (!this.defs.has(typeKey(d.type))) this.defs.set(typeKey(d.type), d);
  }

  get(type: string): TypeDef | undefined {
    return this.defs.get(typeKey(type));
  }
}
