import type { Backend } from '../../primitives/backend.ts';
import { parseArgs, type Primitive, type PrimitiveContext } from '../../primitives/define.ts';
import { WandError } from '../core/errors.ts';
import { runInSandbox, type SandboxLimits } from '../sandbox/index.ts';
import { OutputBudget, type OutputLimits } from './output-budget.ts';
import { previewText, previewValue } from '../core/preview.ts';
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
  /** Unrehearsable motion (a declared interface that moves the robot) was approved or allowed. */
  permits?: PrimitiveContext['permits'];
}

/** Events (progress lines, the session page) show this much of one output line; the result keeps it whole. */
const MAX_EVENT_TEXT = 10_000;

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
      // Records and events keep a preview: the arguments themselves may be up to the sandbox's limit.
      const shown = call.refused ? [`… (${call.refused.chars ? `${call.refused.chars.toLocaleString('en-US')} or more characters, ` : ''}not read)`] : (previewValue(call.args, call.chars) as unknown[]);
      const record: CallRecord = { primitive: prim.name, args: shown, ok: true, ms: 0 };
      if (call.line !== undefined) record.line = call.line;
      const ctx: PrimitiveContext = {
        backend,
        signal,
        permits: opts.permits,
        output(text) {
          output.push(text, prim.name);
          emit({ type: 'output', text: previewText(text, MAX_EVENT_TEXT) });
        },
        say(text) {
          output.push(`say: ${text}`, prim.name);
          emit({ type: 'say', text: previewText(text, MAX_EVENT_TEXT) });
        },
        progress(full) {
          const text = previewText(full, MAX_EVENT_TEXT);
          record.progress = text;
          emit({ type: 'progress', primitive: prim.name, text, ...(call.line !== undefined && { line: call.line }) });
        },
        notSimulated() {
          record.notSimulated = true;
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
      emit({ type: 'call', primitive: prim.name, args: shown, line: call.line });
      try {
        if (call.refused) {
          // Output too big for one call is too big for the output budget: the flood ends the program.
          const kind = prim.output && call.refused.reason === 'size' ? 'output' : 'validation';
          throw new WandError(kind, call.refused.message, { primitive: prim.name });
        }
        const args = parseArgs(prim, call.args);
        const value = await prim.run(ctx, args);
        return value === undefined ? null : value;
      } catch (err) {
        record.ok = false;
        record.error = previewText(err instanceof Error ? err.message : String(err), 2_000);
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
