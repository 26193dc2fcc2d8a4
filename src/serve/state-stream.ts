import type { StateFrame } from './protocol.ts';

// State goes to the page on a fixed ~30 Hz timer, never from inside the simulation loop, so streaming
// cannot slow the simulation: the simulator yields to the event loop every ~20 ms of a motion, and the
// timer samples whatever the world looks like then. A slow client is skipped rather than queued, so its
// view lags instead of the server's memory growing.

export interface StreamTarget {
  /** A fresh frame of the current world, or null while there is none (between scenes). */
  sample(seq: number): StateFrame | null;
  send(frame: StateFrame): void;
  /** Bytes queued on the socket and not yet written. */
  backlog(): number;
}

export const STREAM_HZ = 30;
/** Above this many unsent bytes a frame is dropped (a few frames' worth). */
const MAX_BACKLOG = 64 * 1024;
/** An unchanged world is still sent now and then, so the page can tell the link is alive. */
const HEARTBEAT_MS = 1000;

export class StateStream {
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  private last = '';
  private lastSent = 0;

  constructor(
    private readonly target: StreamTarget,
    private readonly content: (frame: StateFrame) => string,
    private readonly hz = STREAM_HZ,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), Math.round(1000 / this.hz));
    this.timer.unref();
    this.tick();
  }

  /** Send the next frame even if nothing changed (after a new scene message). */
  invalidate(): void {
    this.last = '';
  }

  private tick(): void {
    if (this.target.backlog() > MAX_BACKLOG) return;
    const frame = this.target.sample(this.seq + 1);
    if (!frame) return;
    const content = this.content(frame);
    const now = Date.now();
    if (content === this.last && now - this.lastSent < HEARTBEAT_MS) return;
    this.seq = frame.seq;
    this.last = content;
    this.lastSent = now;
    this.target.send(frame);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
