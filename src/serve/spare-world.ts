import type { OpenBackend } from '../backends/open.ts';
import type { BackendOptions } from '../backends/options.ts';

// Opening a simulated world (physics set-up, letting the scene settle) takes a noticeable part of a new
// tab's time to first render. The server keeps one world for the default options ready, hands it to the
// next tab that asks for exactly those options, and prepares the next one when the CPU is free again.

export class SpareWorld {
  private spare: Promise<OpenBackend> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly defaults: BackendOptions,
    private readonly open: (opts: BackendOptions) => Promise<OpenBackend>,
  ) {
    // A robot is one connection to one robot, never opened ahead of time.
    if (defaults.backend === 'sim') this.refill(0);
  }

  async take(opts: BackendOptions): Promise<OpenBackend> {
    const spare = this.spare;
    if (!spare || !sameOptions(opts, this.defaults)) return this.open(opts);
    this.spare = null;
    this.refill(1000);
    return spare.catch(() => this.open(opts));
  }

  private refill(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.closed || this.spare) return;
      this.spare = this.open(this.defaults);
      this.spare.catch(() => (this.spare = null));
    }, delayMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const spare = this.spare;
    this.spare = null;
    await spare?.then((w) => w.backend.dispose()).catch(() => {});
  }
}

function sameOptions(a: BackendOptions, b: BackendOptions): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof BackendOptions>;
  return [...keys].every((k) => a[k] === b[k]);
}
