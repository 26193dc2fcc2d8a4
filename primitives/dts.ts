import { z } from 'zod';
import type { Primitive } from './define.ts';

// Prints zod schemas as TypeScript. The sandbox's type-check `.d.ts`, the model's API text and the
// validation messages all come from here, so what the model is told is exactly what is enforced.

type Named = Map<string, z.ZodType>;

function def(schema: z.ZodType): any {
  return (schema as any)._zod.def;
}

function metaId(schema: z.ZodType): string | undefined {
  return (z.globalRegistry.get(schema) as { id?: string } | undefined)?.id;
}

/** TypeScript text for a schema; named shapes (`.meta({id})`) print as their name and are collected. */
export function typeText(schema: z.ZodType, named?: Named, expand = false): string {
  const id = metaId(schema);
  if (id && !expand) {
    named?.set(id, schema);
    if (named) return id;
  }
  const d = def(schema);
  switch (d.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'int':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'undefined':
    case 'void':
      return 'void';
    case 'any':
      return 'any';
    case 'unknown':
      return 'unknown';
    case 'literal':
      return d.values.map((v: unknown) => JSON.stringify(v)).join(' | ');
    case 'enum':
      return Object.values(d.entries as Record<string, string>)
        .map((v) => JSON.stringify(v))
        .join(' | ');
    case 'optional':
      return typeText(d.innerType, named);
    case 'nullable':
      return `${typeText(d.innerType, named)} | null`;
    case 'default':
    case 'readonly':
    case 'catch':
      return typeText(d.innerType, named);
    case 'pipe':
      return typeText(d.in, named);
    case 'array': {
      const inner = typeText(d.element, named);
      return /[|& ]/.test(inner) ? `(${inner})[]` : `${inner}[]`;
    }
    case 'tuple':
      return `[${d.items.map((i: z.ZodType) => typeText(i, named)).join(', ')}]`;
    case 'union':
      return d.options.map((o: z.ZodType) => typeText(o, named)).join(' | ');
    case 'record':
      return `Record<${typeText(d.keyType, named)}, ${typeText(d.valueType, named)}>`;
    case 'object': {
      const shape = d.shape as Record<string, z.ZodType>;
      const fields = Object.entries(shape).map(([k, v]) => `${k}${isOptional(v) ? '?' : ''}: ${typeText(v, named)}`);
      return `{ ${fields.join('; ')} }`;
    }
    default:
      return 'unknown';
  }
}

function isOptional(schema: z.ZodType): boolean {
  const t = def(schema).type;
  return t === 'optional' || t === 'default';
}

function description(schema: z.ZodType): string | undefined {
  return (z.globalRegistry.get(schema) as { description?: string } | undefined)?.description;
}

export function signature(p: Primitive<any>, named?: Named): string {
  const params = Object.entries(p.params).map(
    ([n, s]) => `${n}${isOptional(s as z.ZodType) ? '?' : ''}: ${typeText(s as z.ZodType, named)}`,
  );
  if (p.rest) params.push(`...${p.rest.name}: ${typeText(z.array(p.rest.schema), named)}`);
  return `${p.name}(${params.join(', ')}): ${typeText(p.returns, named)}`;
}

function typeDeclarations(named: Named, style: 'dts' | 'compact' = 'dts'): string[] {
  // Printing a named type may reveal further named types, so expand until nothing new appears.
  const out = new Map<string, string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const [id, schema] of [...named]) {
      if (out.has(id)) continue;
      const doc = description(schema);
      const decl = `type ${id} = ${typeText(schema, named, true)};`;
      out.set(id, style === 'dts' ? `${doc ? `/** ${doc} */\n` : ''}${decl}` : `${decl}${doc ? ` // ${doc}` : ''}`);
      grew = true;
    }
  }
  return [...out.values()];
}

/** The ambient declarations a program is type-checked against. */
export function generateDts(prims: Primitive<any>[]): string {
  const named: Named = new Map();
  const fns = prims.map((p) => `/** ${p.doc} */\ndeclare function ${signature(p, named)};`);
  const aliases = prims.some((p) => p.name === 'print')
    ? ['declare const console: { log: typeof print; info: typeof print; warn: typeof print; error: typeof print };']
    : [];
  return ['// Generated from primitives/ — do not edit.', ...typeDeclarations(named), ...fns, ...aliases, ''].join('\n');
}

/** The compact API listing for the model's prompt: one signature and doc line per primitive. */
export function apiText(prims: Primitive<any>[]): string {
  const named: Named = new Map();
  const fns = prims.map((p) => `${signature(p, named)} // ${p.doc}`);
  return [...typeDeclarations(named, 'compact'), ...fns].join('\n');
}
