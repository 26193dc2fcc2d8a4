import type { Backend } from '../../primitives/backend.ts';
import { parseArgs, type Primitive, type PrimitiveContext } from '../../primitives/define.ts';
import { WandError } from '../core/errors.ts';
import { runInSandbox, type SandboxLimits } from '../sandbox/index.ts';
import { OutputBudget, type OutputLimits } from './output-budget.ts';
import type { CallRecord, RunEvent, RunResult } from './result.ts';

export interface RunOptions {
  /** JavaScript or TypeScript source of the program. */
  source: string;
  backend: Backend;
  primitives: Primitive<any>[];
  limits?: Partial<SandboxLimits>;
  outputLimits?: OutputLimits;
  /** Trusted definitions evaluated before the program (stored skills, generated helpers). */
  prelude?: string;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
}

/** Keep the call log bounded: a program polling in a loop must not exhaust the host's memory. */
const MAX_CALL_RECORDS = 5_000;

/** program → sandbox → primitives → backend; returns what happened, never throws for the program's faults. */
export async function runProgram(opts: RunOptions): Promise<RunResult> {
  const { backend, primitives } = opts;
  const byName = new Map(primitives.map((p) => [p.name, p]));
  const started = performance.now();
  const simStart = backend.simTimeS();
  const output = new OutputBudget(opts.outputLimits);
  const calls: CallRecord[] = [];
  const emit = opts.onEvent ?? (() => {});

  const sandbox = await runInSandbox({
    code: opts.source,
    globals: primitives.map((p) => p.name), // console.* map to print() by the sandbox's default aliases
    prelude: opts.prelude,
    limits: opts.limits,
    signal: opts.signal,
    async onCall(call, signal) {
      const prim = byName.get(call.name);
      if (!prim) throw new WandError('validation', `${call.name} is not a primitive`, { primitive: call.name });
      const record: CallRecord = { primitive: prim.name, args: call.args, ok: true, ms: 0 };
      if (call.line !== undefined) record.line = call.line;
      const ctx: PrimitiveContext = {
        backend,
        signal,
        output(text) {
          output.push(text, prim.name);
          emit({ type: 'output', text });
        },
        say(text) {
          output.push(`say: ${text}`, prim.name);
          emit({ type: 'say', text });
        },
        note(text) {
          (record.notes ??= []).push(text);
          emit({ type: 'note', primitive: prim.name, text, ...(call.line !== undefined ? { line: call.line } : {}) });
        },
        pushed(object, distance) {
          (record.pushed ??= []).push({ object, distance: Math.round(distance * 1000) / 1000 });
        },
      };
      const t0 = performance.now();
      emit({ type: 'call', primitive: prim.name, args: call.args, line: call.line });
      try {
        const args = parseArgs(prim, call.args);
        const value = await prim.run(ctx, args);
        return value === undefined ? null : value;
      } catch (err) {
        record.ok = false;
        record.error = err instanceof Error ? err.message : String(err);
        throw err;
      } finally {
        record.ms = Math.round((performance.now() - t0) * 1000) / 1000;
        if (calls.length < MAX_CALL_RECORDS) calls.push(record);
        emit({ type: 'callEnd', record });
      }
    },
  });

  // Whatever happened, leave the robot at rest.
  if (!sandbox.ok) await backend.halt();
  return {
    ok: sandbox.ok,
    error: sandbox.error,
    output: output.lines,
    calls,
    state: backend.state(),
    world: backend.world(),
    simTimeS: Math.round((backend.simTimeS() - simStart) * 1000) / 1000,
    wallTimeMs: Math.round(performance.now() - started),
  };
}
