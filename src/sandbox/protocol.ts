// Messages between the main thread (run.ts) and the guest worker (guest-worker.js).
// The worker is plain JavaScript, so these types are its documentation as much as a contract.

import type { SandboxLimits } from './limits.ts';

/** Int32 slots of the SharedArrayBuffer each worker shares with the main thread (mirrored in guest-worker.js). */
export const CONTROL_SLOTS = { replySeq: 0, stop: 1 } as const;
export const CONTROL_BYTES = 8;

export interface RunRequest {
  type: 'run';
  runId: number;
  code: string; // wrapped JavaScript, line numbers already matching the user's source
  prelude?: string;
  globals: string[];
  aliases: Record<string, string>;
  programFile: string;
  limits: SandboxLimits;
}

export interface DescribedError {
  fromPrimitive: boolean;
  name: string;
  message: string;
  stack?: string;
  line?: number;
  kind?: string;
  primitive?: string;
}

export type GuestOutcome =
  | { type: 'ok' }
  | { type: 'thrown'; phase: 'compile' | 'prelude' | 'program'; error: DescribedError }
  | { type: 'never-settles' }
  | { type: 'interrupted' } // stopped by the time budget or by the host
  | { type: 'crash'; reason: 'memory' | 'stack' | 'other'; message: string };

export type WorkerMessage =
  | { type: 'ready' }
  // The guest's first instruction is next: its time budget (limits.timeoutMs) starts now.
  | { type: 'started'; runId: number }
  | { type: 'call'; runId: number; name: string; args: string; line?: number }
  | { type: 'done'; runId: number; outcome: GuestOutcome };

/** Answer to one primitive call, posted on the reply port before the reply counter is bumped. */
export type CallReply =
  | { type: 'value'; json?: string } // json absent: the primitive returned undefined
  | { type: 'error'; message: string; kind: string; primitive: string } // thrown into the guest, catchable
  | { type: 'stop' }; // the run is over; the guest must not continue
