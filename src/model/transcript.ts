import { appendFileSync, mkdirSync } from 'node:fs';
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

  /** The path as the person would type it: relative to the working directory when inside it. */
  get displayPath(): string {
    const rel = relative(process.cwd(), this.path);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : this.path;
  }

  /** Synchronous, so what was written survives a crash or a second Ctrl-C. */
  write(entry: { type: string } & Record<string, unknown>): void {
    appendFileSync(this.path, JSON.stringify({ t: new Date().toISOString(), ...entry }) + '\n');
  }
}
