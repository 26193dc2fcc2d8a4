import { z } from 'zod';
import { WandError } from '../src/core/errors.ts';
import type { Backend } from './backend.ts';
import { typeText } from './dts.ts';

/** What a primitive's implementation gets besides its arguments. */
export interface PrimitiveContext<B extends Backend = Backend> {
  backend: B;
  /** Aborted by Ctrl-C, the e-stop, the time budget or the safety watchdog. */
  signal: AbortSignal;
  /** Program output (`print`, `console.log`); the runner enforces the output budget. */
  output(text: string): void;
  /** A message meant for the person (`say`). */
  say(text: string): void;
  /** Progress of a long call (an action's feedback), for the run's event stream. */
  progress?(text: string, data?: unknown): void;
  /** This call was answered by a stand-in, not a model of the robot (a declared interface in the simulator). */
  notSimulated?(): void;
  /** What this run may do that a rehearsal cannot show: set by the runner after approval or by the config. */
  permits?: { unrehearsedMotion: boolean };
  /**
   * A fact about this call that is not a failure ("the target is occupied by the purple bowl"): told at once,
   * kept in the call's record and told to the model and the verifier. (Optional only so that a context
   * made by hand in a test need not provide it; the runner always does.)
   */
  note?(text: string): void;
  /** Another object this call moved more than "did not move" allows (metres): a fact, not a failure. */
  pushed?(object: string, distance: number): void;
}

export interface PrimitiveSpec<P extends z.ZodRawShape, R extends z.ZodType, B extends Backend> {
  name: string;
  /** One line, shown in the model's prompt and in the generated .d.ts. */
  doc: string;
  /** Positional parameters in order; the keys are the parameter names shown to the model. */
  params: P;
  /** A variadic last parameter (`print(...values)`), collected as an array under this name. */
  rest?: { name: string; schema: z.ZodType };
  returns: R;
  /** Cheap, instant queries are marked so the runner need not log them as motions. */
  query?: boolean;
  /** What it is given is program output (print, say): arguments too large for the sandbox fail as kind 'output'. */
  output?: boolean;
  run(ctx: PrimitiveContext<B>, args: z.infer<z.ZodObject<P>> & Record<string, unknown>): Promise<z.infer<R>> | z.infer<R>;
}

export interface Primitive<B extends Backend = Backend> {
  name: string;
  doc: string;
  params: z.ZodRawShape;
  rest?: { name: string; schema: z.ZodType };
  returns: z.ZodType;
  query: boolean;
  output: boolean;
  argsSchema: z.ZodObject;
  run(ctx: PrimitiveContext<B>, args: Record<string, unknown>): Promise<unknown> | unknown;
}

export function definePrimitive<P extends z.ZodRawShape, R extends z.ZodType, B extends Backend>(
  spec: PrimitiveSpec<P, R, B>,
): Primitive<B> {
  return {
    name: spec.name,
    doc: spec.doc,
    params: spec.params,
    rest: spec.rest,
    returns: spec.returns,
    query: spec.query ?? false,
    output: spec.output ?? false,
    argsSchema: z.object(spec.params),
    run: spec.run as Primitive<B>['run'],
  };
}

/** A value as a validation message names it, never longer than a line however big the value. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value); // NaN, Infinity: JSON would say null
  if (typeof value === 'string') {
    return value.length > 80 ? `a string of ${value.length.toLocaleString('en-US')} characters ${JSON.stringify(value.slice(0, 40))}...` : `the string ${JSON.stringify(value)}`;
  }
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `the object ${(JSON.stringify(value) ?? '').slice(0, 80)}`;
  return `${typeof value} ${String(value)}`;
}

/** Maps positional arguments onto the named parameters and validates them with the primitive's zod schema. */
export function parseArgs(prim: Primitive<any>, raw: unknown[]): Record<string, unknown> {
  const names = Object.keys(prim.params);
  const signature = `${prim.name}(${[...names, ...(prim.rest ? [`...${prim.rest.name}`] : [])].join(', ')})`;
  if (!prim.rest && raw.length > names.length) {
    throw new WandError(
      'validation',
      `${signature} takes ${names.length} argument${names.length === 1 ? '' : 's'}, got ${raw.length}`,
      { primitive: prim.name },
    );
  }
  const args: Record<string, unknown> = {};
  names.forEach((n, i) => (args[n] = raw[i]));
  const parsed = prim.argsSchema.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = String(issue.path[0] ?? names[0] ?? '');
    const field = issue.path.slice(1).join('.');
    const schema = prim.params[param] as z.ZodType | undefined;
    const allowed = schema ? typeText(schema) : 'nothing';
    const got = describe(issue.path.reduce<unknown>((v, k) => (v as any)?.[k as any], args));
    throw new WandError(
      'validation',
      `${signature}: bad argument '${param}'${field ? ` (field ${field})` : ''}: expected ${allowed}, got ${got}` +
        (issue.code === 'custom' || issue.code === 'too_small' || issue.code === 'too_big' ? ` (${issue.message})` : ''),
      { primitive: prim.name },
    );
  }
  const out: Record<string, unknown> = parsed.data;
  if (prim.rest) {
    const restSchema = z.array(prim.rest.schema);
    const rest = restSchema.safeParse(raw.slice(names.length));
    if (!rest.success) {
      throw new WandError('validation', `${signature}: bad argument '${prim.rest.name}': ${rest.error.issues[0]!.message}`, {
        primitive: prim.name,
      });
    }
    out[prim.rest.name] = rest.data;
  }
  return out;
}
