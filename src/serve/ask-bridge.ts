import { WandError, type ErrorInfo } from '../core/errors.ts';
import type { OpenBackend } from '../backends/open.ts';
import type { ServerMessage } from './protocol.ts';

// The instruction box drives the same loop as `wand ask`; this file turns that loop's events into
// protocol messages for one job. The loop keeps its own conversation, so follow-up instructions in the
// same tab ("now the blue one") see the earlier ones.

export type RoundMessage = Extract<ServerMessage, { type: 'round' | 'program' | 'check' | 'run' | 'result' | 'verdict' }>;
/** A protocol message without its job number (the session adds it). */
export type JobMessage = RoundMessage extends infer M ? (M extends { job: number } ? Omit<M, 'job'> : never) : never;

export interface AskOutcome {
  ok: boolean;
  error: ErrorInfo | null;
  message?: string;
}

export interface AskConversation {
  ask(instruction: string, signal: AbortSignal, emit: (msg: JobMessage) => void): Promise<AskOutcome>;
}

/** One conversation per tab, on that tab's world. */
export async function openConversation(_target: OpenBackend): Promise<AskConversation> {
  throw new WandError('usage', 'the ask loop is not available in this version');
}
