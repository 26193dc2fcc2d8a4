import type { ChatMessage, Usage } from './chat.ts';
import { emptyUsage } from './chat.ts';
import { historyText } from './draft.ts';

// What lasts across instructions in one session: the earlier instructions with their final programs
// (so "now the blue one" and "undo that" make sense), the helpers written so far, and the token count.

/** Earlier instructions kept in the prompt; older ones drop out so a long session stays affordable. */
export const MAX_HISTORY_TURNS = 8;

export class AskSession {
  /** Alternating user (observation + instruction) and assistant (final program) messages. */
  readonly history: ChatMessage[] = [];
  /** Helper definitions by name, reused by later programs that call them again. */
  readonly helpers = new Map<string, string>();
  readonly usage: Usage = emptyUsage();
  /** How the last instruction ended, told to the model with the next one. */
  previousOutcome: string | undefined;

  remember(turn: ChatMessage, finalReply: string | null, outcome: string): void {
    this.history.push(turn, { role: 'assistant', content: finalReply === null ? '(no program)' : historyText(finalReply) });
    if (this.history.length > 2 * MAX_HISTORY_TURNS) this.history.splice(0, 2);
    this.previousOutcome = outcome;
  }
}
