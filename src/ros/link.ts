import { EventEmitter } from 'node:events';
import { Ros } from 'roslib';
import WebSocket from 'ws';
import { WandError } from '../core/errors.ts';
import { WsTransport } from './transport.ts';

export type LinkRole = 'commands' | 'telemetry';

export interface LinkOptions {
  /** Websocket ping period; a link that hears nothing for three periods is declared dead. 0 = off. */
  heartbeatMs?: number;
  /** Reconnect back-off bounds. */
  retryMinMs?: number;
  retryMaxMs?: number;
}

/**
 * One rosbridge websocket (a ROSLIB.Ros). roslib never reconnects by itself, so this does, with
 * back-off, forever until closed. It reports `down` once per loss and `up` on every (re)connect;
 * what a loss means for the robot (stop, disarm) is the backend's decision.
 */
export class RosLink extends EventEmitter<{ up: []; down: [reason: string] }> {
  readonly ros: Ros;
  private transport: WsTransport | null = null;
  private wasUp = false;
  private connectedOnce = false;
  private closed = false;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | null = null;
  private lastError = '';
  private readonly opts: Required<LinkOptions>;

  constructor(
    readonly url: string,
    readonly role: LinkRole,
    opts: LinkOptions = {},
  ) {
    super();
    this.opts = { heartbeatMs: 1000, retryMinMs: 200, retryMaxMs: 2000, ...opts };
    this.retryMs = this.opts.retryMinMs;
    this.ros = new Ros({
      transportFactory: async (url) => {
        // Small frames, latency first: no compression; a handshake that hangs counts as a failure.
        const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 5000 });
        socket.binaryType = 'arraybuffer';
        this.transport = new WsTransport(socket, this.opts.heartbeatMs);
        return this.transport;
      },
    });
    this.ros.on('connection', () => {
      this.wasUp = true;
      this.connectedOnce = true;
      this.lastError = '';
      this.retryMs = this.opts.retryMinMs;
      this.emit('up');
    });
    this.ros.on('error', (e: unknown) => {
      this.lastError = errorText(e);
    });
    this.ros.on('close', () => {
      if (this.wasUp) {
        this.wasUp = false;
        this.emit('down', this.lastError || 'the websocket closed');
      }
      this.scheduleReconnect();
    });
  }

  get isUp(): boolean {
    return this.ros.isConnected && !!this.transport?.isOpen();
  }

  /** First connection; rejects (kind connection) if rosbridge cannot be reached within timeoutMs. */
  open(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        cleanup();
        reject(new WandError('connection', `cannot connect to rosbridge at ${this.url} (${this.role} link): ${why}`));
      };
      const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
      const onUp = () => {
        cleanup();
        resolve();
      };
      const onClose = () => fail(this.lastError || 'the connection was closed');
      const cleanup = () => {
        clearTimeout(timer);
        this.off('up', onUp);
        this.ros.off('close', onClose);
      };
      this.once('up', onUp);
      this.ros.once('close', onClose);
      this.ros.connect(this.url).catch((err) => fail(errorText(err)));
    });
  }

  private scheduleReconnect(): void {
    // Only a link that worked once is retried; a first connection that fails is an error for the caller.
    if (this.closed || this.retryTimer || !this.connectedOnce) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed) this.ros.connect(this.url).catch(() => this.scheduleReconnect());
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.opts.retryMaxMs, this.retryMs * 2);
  }

  /** Waits until what was sent has been written out (or timeoutMs). */
  flush(timeoutMs: number): Promise<void> {
    return this.transport?.flush(timeoutMs) ?? Promise.resolve();
  }

  /** Drop the socket without a closing handshake (tests, and a heartbeat that went unanswered). */
  terminate(): void {
    this.transport?.terminate();
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.transport?.close();
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  const inner = (e as { error?: unknown; message?: unknown } | null) ?? {};
  if (inner.error instanceof Error) return inner.error.message;
  if (typeof inner.message === 'string' && inner.message) return inner.message;
  return String(e);
}
