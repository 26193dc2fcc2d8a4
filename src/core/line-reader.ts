import { createInterface, type Interface } from 'node:readline';
import type { Readable } from 'node:stream';
import { throwIfAborted } from './errors.ts';

/**
 * Lines from a stream, one at a time, on demand. One reader serves everyone who reads standard input in a
 * command (the manual model's replies, the approval prompt), so no line is lost between two readers.
 */
export class LineReader {
  private readonly lines: string[] = [];
  private waiting: (() => void) | undefined;
  private ended = false;
  private rl: Interface | undefined;

  constructor(private readonly input: Readable) {}

  /** The next line, or undefined at the end of the input. */
  async next(signal?: AbortSignal): Promise<string | undefined> {
    this.open();
    while (!this.lines.length) {
      if (this.ended) return undefined;
      throwIfAborted(signal);
      await new Promise<void>((resolve) => {
        const done = () => {
          this.waiting = undefined;
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.waiting = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    }
    return this.lines.shift();
  }

  close(): void {
    this.rl?.close();
  }

  private open(): void {
    if (this.rl) return;
    this.rl = createInterface({ input: this.input, terminal: false });
    this.rl.on('line', (line) => {
      this.lines.push(line);
      this.waiting?.();
    });
    this.rl.on('close', () => {
      this.ended = true;
      this.waiting?.();
    });
  }
}
