import WebSocket from 'ws';
import type { ServerMessage } from '../../src/serve/protocol.ts';

/** A page's websocket to a session server, with every message it got and a way to wait for one. */
export function sessionTab(port: number) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  const messages: ServerMessage[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d))));
  const waitFor = async (pred: (m: ServerMessage) => boolean, timeoutMs = 15_000) => {
    const t0 = Date.now();
    while (Date.now() - t0 < timeoutMs) {
      const m = messages.find(pred);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`timed out; got ${[...new Set(messages.map((m) => m.type))].join(', ')}`);
  };
  return { ws, messages, waitFor };
}
