import type { OpenBackend } from '../backends/open.ts';
import type { SandboxLimits } from '../sandbox/index.ts';
import type { RunEvent, RunResult } from './result.ts';
import { runProgram } from './run-program.ts';

export interface ExecuteOptions {
  source: string;
  target: OpenBackend;
  limits?: Partial<SandboxLimits>;
  prelude?: string;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
}

/**
 * Runs a program on its target. This is where a robot run is preceded by its simulator rehearsal,
 * so `wand run`, `wand ask` and the session server all get the same safety behaviour.
 */
export async function executeProgram(opts: ExecuteOptions): Promise<RunResult> {
  return runProgram({
    source: opts.source,
    backend: opts.target.backend,
    primitives: opts.target.primitives,
    limits: opts.limits,
    prelude: opts.prelude,
    signal: opts.signal,
    onEvent: opts.onEvent,
  });
}
