import { isErrorKind, type ErrorInfo, type ErrorKind } from '../core/errors.ts';
import type { SandboxLimits } from './limits.ts';
import type { DescribedError, GuestOutcome } from './protocol.ts';

export const NEVER_SETTLES_MESSAGE =
  'the program awaited something that can never finish (there are no timers or background events in the sandbox; primitives complete before they return)';

export function timeoutError(timeoutMs: number): ErrorInfo {
  return { kind: 'timeout', message: `the program ran past its time budget of ${timeoutMs / 1000} s` };
}

/** QuickJS's own messages for exhausted resources; everything else the program throws is 'runtime'. */
function resourceKind(error: DescribedError): ErrorKind | undefined {
  if (error.name === 'InternalError' && /out of memory|string too long/.test(error.message)) return 'memory';
  // The parser reports deep nesting as a SyntaxError "stack overflow".
  if (error.message === 'stack overflow') return 'stack';
  if (error.name === 'RangeError' && /call stack/i.test(error.message)) return 'stack';
  return undefined;
}

/** First line of the source matching the pattern, for errors QuickJS reports without a stack. */
function lineMatching(source: string, pattern: RegExp): number | undefined {
  const index = source.split('\n').findIndex((line) => pattern.test(line));
  return index >= 0 ? index + 1 : undefined;
}

function withLine(info: ErrorInfo, line: number | undefined): ErrorInfo {
  if (line !== undefined) info.line = line;
  return info;
}

function thrownToInfo(
  phase: 'compile' | 'prelude' | 'program',
  error: DescribedError,
  source: string,
  limits: SandboxLimits,
): ErrorInfo {
  if (error.fromPrimitive && isErrorKind(error.kind)) {
    const info: ErrorInfo = { kind: error.kind, message: error.message };
    if (error.primitive) info.primitive = error.primitive;
    return withLine(info, error.line);
  }
  const named = error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  if (phase === 'prelude') return { kind: error.name === 'SyntaxError' ? 'syntax' : 'runtime', message: `in the prelude: ${named}` };
  if (phase === 'compile' && error.name === 'SyntaxError') {
    const line = error.line;
    const text = line !== undefined ? source.split('\n')[line - 1] ?? '' : '';
    const hint = /\b(import|export)\b/.test(text)
      ? ' (import/export are not available in the sandbox: the primitives are already global functions)'
      : '';
    return withLine({ kind: 'syntax', message: error.message + hint }, line);
  }
  const resource = resourceKind(error);
  if (resource) return withLine({ kind: resource, message: resourceMessage(resource, error.message, limits) }, error.line);
  if (/could not load module/.test(error.message)) {
    return withLine(
      { kind: 'runtime', message: `modules cannot be imported in the sandbox (${error.message})` },
      lineMatching(source, /\bimport\s*\(/) ?? error.line,
    );
  }
  return withLine({ kind: 'runtime', message: named }, error.line);
}

function resourceMessage(kind: ErrorKind, detail: string, limits: SandboxLimits): string {
  if (kind === 'memory') {
    const extra = detail === 'out of memory' ? '' : `; ${detail}`;
    return `the program ran out of memory (limit ${Math.round(limits.memoryBytes / 2 ** 20)} MiB${extra})`;
  }
  return `the program recursed too deeply (stack limit ${Math.round(limits.stackBytes / 1024)} KiB)`;
}

/**
 * The result error for a run, from what the guest reported and what the host decided on its own
 * (timeout, abort, fatal primitive error), which always wins: the guest may have been mid-unwind.
 */
export function outcomeToError(
  outcome: GuestOutcome,
  { stop, source, limits }: { stop: ErrorInfo | null; source: string; limits: SandboxLimits },
): ErrorInfo | null {
  if (stop) return stop;
  switch (outcome.type) {
    case 'ok':
      return null;
    case 'never-settles':
      return { kind: 'timeout', message: NEVER_SETTLES_MESSAGE };
    case 'interrupted':
      return timeoutError(limits.timeoutMs);
    case 'crash':
      if (outcome.reason === 'memory') return { kind: 'memory', message: resourceMessage('memory', outcome.message, limits) };
      if (outcome.reason === 'stack') return { kind: 'stack', message: resourceMessage('stack', outcome.message, limits) };
      return { kind: 'runtime', message: `the sandbox crashed: ${outcome.message}` };
    case 'thrown':
      return thrownToInfo(outcome.phase, outcome.error, source, limits);
  }
}
