import { WandError, toErrorInfo, type ErrorInfo } from '../core/errors.ts';
import { resolveLimits, type SandboxLimits } from './limits.ts';
import { wrapProgram } from './program-source.ts';
import type { RunOptions, SandboxResult } from './run-types.ts';
import { SandboxRun, abortError } from './sandbox-run.ts';
import { transpile } from './transpile.ts';
import { acquireWorker, releaseWorker, type GuestWorker } from './worker-pool.ts';

export const CONSOLE_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  'console.log': 'print',
  'console.info': 'print',
  'console.warn': 'print',
  'console.error': 'print',
});

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function failure(error: ErrorInfo, calls = 0): SandboxResult {
  return { ok: false, error, calls };
}

function checkNames(globals: string[], aliases: Record<string, string>): void {
  for (const name of globals) {
    if (!IDENTIFIER.test(name)) throw new WandError('usage', `sandbox global ${JSON.stringify(name)} is not an identifier`);
  }
  for (const path of Object.keys(aliases)) {
    if (!path.split('.').every((part) => IDENTIFIER.test(part))) {
      throw new WandError('usage', `sandbox alias ${JSON.stringify(path)} is not a dotted identifier path`);
    }
  }
}

/** Run one program in a fresh QuickJS context on a worker thread. Never rejects: failures are in the result. */
export async function runInSandbox(opts: RunOptions): Promise<SandboxResult> {
  const aliases = opts.aliases ?? (opts.globals.includes('print') ? CONSOLE_ALIASES : {});
  let limits: SandboxLimits;
  let code: string;
  try {
    limits = resolveLimits(opts.limits);
    checkNames(opts.globals, aliases);
  } catch (err) {
    return failure(toErrorInfo(err, 'usage'));
  }
  try {
    code = wrapProgram(transpile(opts.code));
  } catch (err) {
    return failure(toErrorInfo(err, 'syntax'));
  }
  if (opts.signal?.aborted) return failure(abortError(opts.signal));

  let worker: GuestWorker;
  try {
    worker = await acquireWorker();
  } catch (err) {
    return failure({ kind: 'runtime', message: `the sandbox could not start: ${toErrorInfo(err).message}` });
  }
  if (opts.signal?.aborted) {
    releaseWorker(worker);
    return failure(abortError(opts.signal));
  }
  return new SandboxRun(worker, opts, { aliases, limits, code }).result;
}
