import { WandError, isErrorKind, type ErrorInfo, type ErrorKind } from '../core/errors.ts';

/**
 * Kinds that end the program when a primitive rejects with them: the program must not be able to
 * catch a lost robot link, a safety stop or an output flood and carry on.
 */
export const FATAL_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  'timeout',
  'memory',
  'stack',
  'output',
  'connection',
  'safety',
  'aborted',
]);

export type RelayedCallError =
  | { fatal: true; info: ErrorInfo }
  | { fatal: false; kind: ErrorKind; message: string; primitive: string };

/** Decide how a rejection from onCall reaches the program: thrown into it, or ending it. */
export function relayCallError(err: unknown, primitive: string, line: number | undefined): RelayedCallError {
  if (err instanceof WandError && FATAL_KINDS.has(err.kind)) {
    const info = err.toInfo();
    info.primitive ??= primitive;
    if (line !== undefined) info.line ??= line;
    return { fatal: true, info };
  }
  const kind: ErrorKind = err instanceof WandError && isErrorKind(err.kind) ? err.kind : 'runtime';
  const message = err instanceof Error ? err.message : String(err);
  return { fatal: false, kind, message, primitive: err instanceof WandError ? (err.primitive ?? primitive) : primitive };
}
