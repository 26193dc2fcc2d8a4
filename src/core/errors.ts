/** Every failure Wand reports has a kind, so people and the model can react to it without parsing messages. */
export const ERROR_KINDS = [
  'usage', // bad CLI input or a bad scene/config file
  'syntax', // the program does not parse
  'check', // type-check or whitelist failure before anything moves
  'validation', // a primitive got arguments its schema rejects
  'unknown_object', // a name that is not in the world
  'workspace', // a target outside the reachable workspace or geofence
  'physical', // grasp missed, object slipped or fell, collision
  'runtime', // an exception thrown by the program itself
  'timeout', // wall-clock budget spent, or a promise that can never settle
  'memory',
  'stack',
  'output',
  'connection', // robot link lost or never established
  'safety', // the safety envelope refused or aborted a motion
  'aborted', // stopped by the user (Ctrl-C, e-stop)
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export function isErrorKind(kind: unknown): kind is ErrorKind {
  return typeof kind === 'string' && (ERROR_KINDS as readonly string[]).includes(kind);
}

export interface ErrorInfo {
  kind: ErrorKind;
  message: string;
  line?: number;
  primitive?: string;
}

export class WandError extends Error {
  readonly kind: ErrorKind;
  primitive?: string;
  line?: number;

  constructor(kind: ErrorKind, message: string, opts: { primitive?: string; line?: number } = {}) {
    super(message);
    this.name = 'WandError';
    this.kind = kind;
    this.primitive = opts.primitive;
    this.line = opts.line;
  }

  toInfo(): ErrorInfo {
    const info: ErrorInfo = { kind: this.kind, message: this.message };
    if (this.line !== undefined) info.line = this.line;
    if (this.primitive !== undefined) info.primitive = this.primitive;
    return info;
  }
}

/** Host-side failures that are not WandErrors (bugs, library errors) still reach the user as a structured error. */
export function toErrorInfo(err: unknown, fallback: ErrorKind = 'runtime'): ErrorInfo {
  if (err instanceof WandError) return err.toInfo();
  const message = err instanceof Error ? err.message : String(err);
  return { kind: fallback, message };
}

/** Ends the caller's work when the signal was aborted: with the abort's own WandError, or a plain "stopped". */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw signal.reason instanceof WandError ? signal.reason : new WandError('aborted', 'stopped');
}
