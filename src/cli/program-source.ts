import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { throwIfAborted } from '../core/errors.ts';
import { UsageError } from './usage.ts';

/**
 * A program from a file, or from standard input when the path is "-". A Ctrl-C while it is still being
 * typed (or piped) ends the reading at once, with the abort's error, and lets go of standard input.
 */
export async function readProgram(path: string, signal?: AbortSignal): Promise<string> {
  throwIfAborted(signal);
  if (path === '-') return untilAborted(text(process.stdin), signal, () => process.stdin.destroy());
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read program file "${path}": ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, onAbort: () => void): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort();
      try {
        throwIfAborted(signal);
      } catch (err) {
        reject(err);
      }
    };
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
