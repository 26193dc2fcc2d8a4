import { AbstractTransport, type RosbridgeMessage } from 'roslib';
import WebSocket from 'ws';

/**
 * roslib's transport over a `ws` socket, with what a robot link needs on top:
 * - send() never buffers: a frame for a socket that is not open is dropped, never sent later;
 * - flush() resolves once everything sent has left this process (the zero command before exit);
 * - a heartbeat (websocket ping) notices a link that died without a close (cable pulled, Wi-Fi gone);
 *   on the command link it is the only sign, since nothing else comes back on it;
 * - JSON with bare NaN / Infinity (older rosbridges, some drivers) still parses, as null.
 */
export class WsTransport extends AbstractTransport {
  private inFlight = 0;
  private drained: (() => void)[] = [];
  private heartbeat: NodeJS.Timeout | null = null;
  private lastHeard = 0;

  constructor(
    readonly socket: WebSocket,
    heartbeatMs: number,
  ) {
    super();
    socket.on('open', (e: unknown) => {
      this.emit('open', e);
      if (heartbeatMs > 0) this.startHeartbeat(heartbeatMs);
    });
    socket.on('close', (code: number, reason: Buffer) => {
      this.stopHeartbeat();
      this.releaseDrained();
      this.emit('close', { code, reason: reason.toString() });
    });
    socket.on('error', (err: Error) => this.emit('error', err));
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      this.lastHeard = performance.now();
      this.onData(data, isBinary);
    });
    socket.on('pong', () => (this.lastHeard = performance.now()));
  }

  private onData(data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary) {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      return this.handleRawMessage(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    }
    const text = data.toString();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      try {
        parsed = JSON.parse(text.replace(/-?\bInfinity\b|\bNaN\b/g, 'null'));
      } catch (err) {
        return void this.emit('error', err);
      }
    }
    this.handleRawMessage(parsed);
  }

  send(message: RosbridgeMessage): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.inFlight++;
    this.socket.send(JSON.stringify(message), () => {
      this.inFlight--;
      if (this.inFlight === 0) this.releaseDrained();
    });
  }

  /** Resolves when every frame sent so far has been written to the socket (or after timeoutMs). */
  flush(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.drained.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private releaseDrained(): void {
    for (const done of this.drained.splice(0)) done();
  }

  private startHeartbeat(ms: number): void {
    this.lastHeard = performance.now();
    this.heartbeat = setInterval(() => {
      // Nothing heard (no frame, no pong) for three periods: the link is dead even though no close arrived.
      // Three, so a Wi-Fi hiccup is not a lost robot; stale odometry is caught sooner by the watchdog anyway.
      if (performance.now() - this.lastHeard > 3 * ms) return this.socket.terminate();
      this.socket.ping();
    }, ms);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  close(): void {
    this.stopHeartbeat();
    this.socket.close();
  }

  terminate(): void {
    this.stopHeartbeat();
    this.socket.terminate();
  }

  isConnecting(): boolean {
    return this.socket.readyState === WebSocket.CONNECTING;
  }
  isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }
  isClosing(): boolean {
    return this.socket.readyState === WebSocket.CLOSING;
  }
  isClosed(): boolean {
    return this.socket.readyState === WebSocket.CLOSED;
  }
}
