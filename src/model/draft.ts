import { composeProgram, declaredFunctions, hoistable, type MissingHelper } from '../check/helpers.ts';
import type { ProgramChecker } from '../check/index.ts';
import { MAX_PROGRAM_CHARS } from '../check/limits.ts';
import type { CheckReport } from '../check/report.ts';
import type { Language } from '../check/typecheck.ts';
import { previewText } from '../core/preview.ts';
import type { ChatMessage } from './chat.ts';
import { extractProgram, stripThinking } from './extract.ts';
import { helperRequest } from './prompt.ts';

// Creation and the first half of decision: one reply becomes one checked program. The model's reply is
// read, helpers it calls but never defined are asked for (Code as Policies' hierarchical generation),
// and the composed program is checked. Nothing runs here, so several drafts can be made and compared.

export interface Draft {
  reply: string;
  /** The program as it would run, helpers appended; null when the reply held none. */
  program: string | null;
  /** Why there is no program, in words for the model. */
  problem?: string;
  check: CheckReport;
}

export interface DraftIO {
  /** Sends the conversation and returns the reply text (usage and events are the caller's). */
  complete(messages: ChatMessage[], purpose: 'program' | 'helper'): Promise<string>;
  onHelper?(name: string, code: string | null): void;
}

export interface DraftOptions {
  checker: ProgramChecker;
  /** Helper definitions by name, shared across drafts and instructions of a session. */
  helpers: Map<string, string>;
  /** How deep helpers may call further undefined helpers (default 3). */
  helperDepth?: number;
  /** Ctrl-C, the e-stop: a check under way is left at once. */
  signal?: AbortSignal;
}

/**
 * A reply as the conversation keeps it: whole, unless it is far longer than any program could be checked
 * (then every later request would carry it); the model is told it was cut and how long it was.
 */
export function historyText(reply: string): string {
  return reply.length <= MAX_HISTORY_REPLY_CHARS ? reply : previewText(reply, MAX_HISTORY_REPLY_CHARS);
}
const MAX_HISTORY_REPLY_CHARS = 20_000;

/** What the conversation keeps of a reply (a runaway one is cut before any regular expression reads it). */
const remembered = (reply: string) => (reply.length > MAX_REPLY_CHARS ? previewText(reply, MAX_HISTORY_REPLY_CHARS) : historyText(stripThinking(reply).trim()));

/** Past this a reply is not even searched for a program (a runaway model, a pasted file). */
const MAX_REPLY_CHARS = 1 << 20;
const tooLong = (reply: string) => ({
  code: null,
  problem: `Your reply is ${reply.length.toLocaleString('en-US')} characters long; reply with one program of at most ${MAX_PROGRAM_CHARS.toLocaleString('en-US')} characters.`,
});

/** New helpers asked for per level, so a confused program cannot fan out into dozens of requests. */
const MAX_HELPERS_PER_LEVEL = 4;

/** Asks for a program and checks it. The exchange (reply, helper requests) is appended to `messages`. */
export async function draftProgram(messages: ChatMessage[], io: DraftIO, opts: DraftOptions): Promise<Draft> {
  const reply = await io.complete(messages, 'program');
  messages.push({ role: 'assistant', content: remembered(reply) });
  const extracted = reply.length > MAX_REPLY_CHARS ? tooLong(reply) : extractProgram(reply);
  if (extracted.code === null) {
    const problem = extracted.problem!;
    return { reply, program: null, problem, check: { ok: false, diagnostics: [{ line: 0, message: problem, source: 'extract' }] } };
  }
  const program = await withHelpers(extracted.code, extracted.language, messages, io, opts);
  const { missing: _missing, language: _language, ...check } = await opts.checker.check(program, { language: extracted.language, signal: opts.signal });
  return { reply, program, check };
}

/**
 * While the program calls functions nobody defined, ask the model for them (reusing ones written
 * earlier), level by level up to the depth limit. What is still missing then is left to the check.
 */
async function withHelpers(
  program: string,
  language: Language | undefined,
  messages: ChatMessage[],
  io: DraftIO,
  opts: DraftOptions,
): Promise<string> {
  const written: string[] = [];
  const asked = new Set<string>();
  const depth = opts.helperDepth ?? 3;
  for (let level = 0; level <= depth; level++) {
    const { missing } = await opts.checker.check(composeProgram(program, written), { language, allowMissing: true, signal: opts.signal });
    const todo = missing.filter((m) => !asked.has(m.name));
    if (!todo.length) break;
    for (const m of todo) asked.add(m.name);
    for (const m of todo) if (opts.helpers.has(m.name)) written.push(opts.helpers.get(m.name)!);
    if (level === depth) continue;
    for (const m of todo.filter((m) => !opts.helpers.has(m.name)).slice(0, MAX_HELPERS_PER_LEVEL)) {
      const code = await writeHelper(m, messages, io);
      if (!code) continue;
      written.push(code);
      for (const name of declaredFunctions(code)) opts.helpers.set(name, code);
    }
  }
  return composeProgram(program, written);
}

async function writeHelper(missing: MissingHelper, messages: ChatMessage[], io: DraftIO): Promise<string | null> {
  messages.push({ role: 'user', content: helperRequest(missing) });
  const reply = await io.complete(messages, 'helper');
  messages.push({ role: 'assistant', content: remembered(reply) });
  const extracted = reply.length > MAX_REPLY_CHARS ? tooLong(reply) : extractProgram(reply);
  const code = extracted.code ? hoistable(extracted.code).trim() : null;
  // Only a reply that really defines the function is kept; otherwise the check reports the name.
  const ok = code !== null && declaredFunctions(code).includes(missing.name);
  io.onHelper?.(missing.name, ok ? code : null);
  return ok ? code : null;
}
