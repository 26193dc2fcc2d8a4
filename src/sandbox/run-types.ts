import type { ErrorInfo } from '../core/errors.ts';
import type { CallRefusal } from './call-args.ts';
import type { SandboxLimits } from './limits.ts';

export interface GuestCall {
  name: string;
  /**
   * JSON data: trailing undefined arguments dropped, other undefined elements null, and functions,
   * symbols and bigints replaced by { $unserialisable: 'function' | 'symbol' | 'bigint' } so argument
   * validation rejects them. Empty when the arguments were refused (see `refused`).
   */
  args: unknown[];
  /** Characters of JSON the arguments took, as sent. */
  chars?: number;
  /** The arguments were larger or deeper than the sandbox limits allow and were never read: onCall must fail the call. */
  refused?: CallRefusal;
  /** Line of the user's program that made the call (the innermost program frame). */
  line?: number;
}

export interface RunOptions {
  /** JavaScript or TypeScript source of the program. */
  code: string;
  /** Primitive names exposed as global functions, e.g. ['pick', 'place', 'print']. */
  globals: string[];
  /** Extra global paths mapped to a primitive. Defaults to CONSOLE_ALIASES when 'print' is a global. */
  aliases?: Record<string, string>;
  /** Extra trusted JavaScript (skills, helpers) evaluated as a script before the program, same sandbox. */
  prelude?: string;
  /** Runs a primitive on the host. Resolve with JSON-serialisable data; reject to throw into the program. */
  onCall(call: GuestCall, signal: AbortSignal): Promise<unknown>;
  limits?: Partial<SandboxLimits>;
  /** Ends the program at once: kind 'aborted', or the WandError given as the abort reason. */
  signal?: AbortSignal;
}

export interface SandboxResult {
  ok: boolean;
  error: ErrorInfo | null;
  /** Primitive calls handed to onCall. */
  calls: number;
}
