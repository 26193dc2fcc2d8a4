import { createRequire } from 'node:module';
import { WandError } from '../core/errors.ts';

// One writer at a time for a file several wand processes change (the skills index: `wand ask`, `serve`,
// `bench` and `skills import` side by side). The lock is a directory beside the file (proper-lockfile),
// taken over when its holder has not touched it for STALE_MS (a crashed or killed process). Holds are
// short and synchronous (read, change, write), so a waiting process polls.

const STALE_MS = 10_000;
const WAIT_MS = 30_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

// Loaded on the first write: it hooks process signals to release its locks, which a process that never
// writes the index (wand run, most of wand ask) has no need of.
const require = createRequire(import.meta.url);
let loaded: typeof import('proper-lockfile') | undefined;
const lockfile = () => (loaded ??= require('proper-lockfile') as typeof import('proper-lockfile'));

/** Runs `fn` holding the lock of `file` (which need not exist yet); throws a WandError if it cannot be had. */
export function withFileLock<T>(file: string, fn: () => T): T {
  const deadline = Date.now() + WAIT_MS;
  let release: () => void;
  for (let attempt = 0; ; attempt++) {
    try {
      release = lockfile().lockSync(file, { stale: STALE_MS, realpath: false });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
      if (Date.now() > deadline) throw new WandError('usage', `${file} is locked by another wand process (${file}.lock); if none is running, remove the lock`);
      // A little jitter, so processes that collided do not collide again in step.
      Atomics.wait(sleeper, 0, 0, Math.min(50, 5 + attempt * 2 + Math.random() * 10));
    }
  }
  try {
    return fn();
  } finally {
    release();
  }
}
