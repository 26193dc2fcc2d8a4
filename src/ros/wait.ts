import { throwIfAborted } from '../core/errors.ts';

// Waiting on a robot: never longer than asked, and never past an abort.

/** Resolves after `ms`, or at once when the signal aborts (it never rejects: the caller checks why it woke). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Polls a condition every 10 ms; false if it did not become true within timeoutMs, or once `stopped()`. */
export async function until(ok: () => boolean, timeoutMs: number, stopped: () => boolean = () => false): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!ok()) {
    if (performance.now() > end || stopped()) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

/**
 * Connects a robot backend with `start()`; on failure it is disposed. Aborting `signal` while it connects
 * (Ctrl-C during start-up) disposes it at once: closing its links fails a pending connect, and its waits
 * stop on `disposed`. Then the abort's own error is what the caller gets.
 */
export async function startRobot<B extends { dispose(): Promise<void> }>(backend: B, start: () => Promise<void>, signal?: AbortSignal): Promise<B> {
  throwIfAborted(signal);
  const onAbort = () => void backend.dispose();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await start();
    throwIfAborted(signal);
  } catch (err) {
    await backend.dispose();
    throwIfAborted(signal);
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return backend;
}
