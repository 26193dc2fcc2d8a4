import { appendFileSync, mkdirSync } from 'node:fs';
import type { AskEvent } from './loop.ts';
import { isAbsolute, join, relative, resolve } from 'node:path';

// Every session is kept as JSON Lines under .wand/sessions/: what was sent, what came back, the programs,
// the checks, the results and the verdicts, so a session can be read, replayed or turned into tests.

export const SESSIONS_DIR = '.wand/sessions';

export class Transcript {
  readonly path: string;

  constructor(dir: string = SESSIONS_DIR, now = new Date()) {
    const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const abs = resolve(dir);
    mkdirSync(abs, { recursive: true });
    this.path = join(abs, `${stamp}-${Math.random().toString(36).slice(2, 8)}.jsonl`);
  }

  get displayPath(): string {
    return displayPath(this.path);
  }

  /** Synchronous, so what was written survives a crash or a second Ctrl-C. */
  write(entry: { type: string } & Record<string, unknown>): void {
    appendFileSync(this.path, JSON.stringify({ t: new Date().toISOString(), ...entry }) + '\n');
  }
}

/** A path as the person would type it: relative to the working directory when inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** The loop's events as transcript lines: everything but streaming deltas and per-call run events (results hold the calls). */
export function recordEvent(transcript: Transcript, e: AskEvent): void {
  switch (e.type) {
    case 'start':
      return transcript.write({ type: 'instruction', instruction: e.instruction, observation: e.observation });
    case 'request':
      return transcript.write({ type: 'request', round: e.round, purpose: e.purpose, messages: e.messages });
    case 'reply': {
      const { text: _text, ...usage } = e.completion;
      return transcript.write({ type: 'reply', round: e.round, purpose: e.purpose, text: e.text, ...usage });
    }
    case 'helper':
      return transcript.write({ type: 'helper', round: e.round, name: e.name, code: e.code });
    case 'tool':
      return transcript.write({ type: 'tool', round: e.round, name: e.name, signature: e.signature, description: e.description, code: e.code });
    case 'program':
      return transcript.write({ type: 'program', round: e.round, program: e.program, ...(e.problem ? { problem: e.problem } : {}) });
    case 'check':
      return transcript.write({ type: 'check', round: e.round, check: e.check });
    case 'result':
      return transcript.write({ type: 'result', round: e.round, result: e.result });
    case 'fixup':
      return transcript.write({ type: 'fixup', round: e.round, fixup: e.fixup, max: e.max });
    case 'candidates':
      return transcript.write({ type: 'candidates', round: e.round, ...e.candidates });
    case 'verdict':
      return transcript.write({ type: 'verdict', round: e.round, ...e.verdict });
    case 'end': {
      const { ok, stopped, error, summary, usage } = e.outcome;
      return transcript.write({ type: 'end', ok, stopped, ...(error ? { error } : {}), summary, usage });
    }
  }
}
