import type { ClientMessage, ServerMessage } from '../protocol.ts';

// The page's one websocket. The server authenticates it by the cookie set when the page was opened with
// its token. A dropped connection is retried with back-off; the server gives a new tab session (a fresh
// world) each time, which the page shows as a new scene.

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export class Connection {
  private ws: WebSocket | null = null;
  private retryMs = 500;
  private pingTimer: number | undefined;
  rttMs: number | null = null;

  constructor(
    private readonly onMessage: (msg: ServerMessage) => void,
    private readonly onState: (state: ConnectionState, detail?: string) => void,
  ) {}

  connect(): void {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    this.onState('connecting');
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 500;
      this.onState('connected');
      this.ping();
      this.pingTimer = window.setInterval(() => this.ping(), 5000);
    };
    ws.onmessage = (e) => {
      let msg: ServerMessage;
      try {
        msg = JSON.parse(e.data as string) as ServerMessage;
      } catch {
        return;
      }
      if (msg.type === 'pong') this.rttMs = Math.round(performance.now() - msg.t);
      this.onMessage(msg);
    };
    ws.onclose = (e) => {
      window.clearInterval(this.pingTimer);
      this.ws = null;
      this.onState('disconnected', e.reason || (e.code === 1006 ? 'connection lost' : `closed (${e.code})`));
      window.setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 8000);
    };
  }

  send(msg: ClientMessage): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  private ping(): void {
    this.send({ type: 'ping', t: performance.now() });
  }
}
