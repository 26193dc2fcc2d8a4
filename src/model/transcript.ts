import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { shrink, type PreviewSize } from '../core/preview.ts';
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

  /** Synchronous, so what was written survives a crash or a second Ctrl-C. Each line is at most MAX_ENTRY_CHARS. */
  write(entry: { type: string } & Record<string, unknown>): void {
    appendFileSync(this.path, entryLine({ t: new Date().toISOString(), ...entry }) + '\n');
  }
}

/** One transcript line is at most this long; a bigger entry is kept as a preview (`"truncated": true`). */
export const MAX_ENTRY_CHARS = 1 << 20;
/** Ever smaller previews, until the entry fits. */
const SHRINKS: PreviewSize[] = [
  { stringChars: 20_000, items: 1_000, depth: 24 },
  { stringChars: 2_000, items: 100, depth: 12 },
  { stringChars: 200, items: 10, depth: 6 },
];

function entryLine(entry: { t: string; type: string } & Record<string, unknown>): string {
  let line: string | undefined;
  try {
    line = JSON.stringify(entry);
  } catch {
    // too deep or too big for JSON.stringify: a preview follows
  }
  for (const size of SHRINKS) {
    if (line !== undefined && line.length <= MAX_ENTRY_CHARS) return line;
    line = JSON.stringify({ ...(shrink(entry, size) as object), truncated: true });
  }
  return line!.length <= MAX_ENTRY_CHARS ? line! : JSON.stringify({ t: entry.t, type: entry.type, truncated: true });
}

export type TranscriptEntry = { t: string; type: string } & Record<string, unknown>;

/**
 * A transcript's entries. A process killed while appending leaves a torn last line: it is left out (and
 * `torn` says so) rather than failing the whole file; so is any other line that is not JSON (`skipped`).
 */
export function readTranscript(path: string): { entries: TranscriptEntry[]; torn: boolean; skipped: number } {
  const lines = readFileSync(path, 'utf8').split('\n');
  const entries: TranscriptEntry[] = [];
  let skipped = 0;
  let torn = false;
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      entries.push(JSON.parse(line) as TranscriptEntry);
    } catch {
      if (i === lines.length - 1) torn = true;
      else skipped++;
    }
  });
  return { entries, torn, skipped };
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
