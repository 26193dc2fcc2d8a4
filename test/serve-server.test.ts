import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../src/serve/server.ts';
import type { ServerMessage } from '../src/serve/protocol.ts';
import { wand } from './helpers/cli.ts';
import { spawn } from 'node:child_process';
import { WAND, ROOT } from './helpers/cli.ts';

// The server without a browser: message validation, isolation between tabs, token and Origin checks.

const backend = { world: 'tabletop', seed: 0, backend: 'sim', rehearse: true } as const;

/** A websocket client that collects what the server sends. */
async function client(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  const messages: ServerMessage[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d))));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  const next = async (pred: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> => {
    const start = Date.now();
    for (;;) {
      const i = messages.findIndex(pred);
      if (i >= 0) return messages.splice(i, 1)[0]!;
      if (Date.now() - start > timeoutMs) throw new Error(`no matching message; got ${messages.map((m) => m.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { ws, messages, next };
}

/** Resolves with the HTTP status a refused websocket upgrade got. */
function refusedStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => reject(new Error('the websocket was accepted')));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => {});
  });
}

describe('wand serve on loopback', () => {
  let server: RunningServer;
  let ws: string;
  beforeAll(async () => {
    server = await startServer({ port: 0, host: '127.0.0.1', backend, env: {} });
    ws = `ws://127.0.0.1:${server.port}/ws`;
  });
  afterAll(() => server.close());

  it('greets a tab with the status, the scene and state frames', async () => {
    const c = await client(ws);
    const hello = await c.next((m) => m.type === 'hello');
    expect(hello).toMatchObject({ type: 'hello', status: { kind: 'sim', world: 'tabletop', model: { configured: false } } });
    expect((hello as { status: { model: { text: string } } }).status.model.text).toMatch(/OPENAI_BASE_URL/);
    const scene = await c.next((m) => m.type === 'scene');
    expect((scene as { objects: unknown[] }).objects.length).toBeGreaterThan(0);
    // The arm's URDF, for the page to draw it; the frames then pose its joints by name.
    expect(scene).toMatchObject({ arm: { baseFrame: 'base_link', urdf: expect.stringContaining('<robot name="wand_arm">') } });
    const frame = await c.next((m) => m.type === 'state');
    expect(frame).toMatchObject({ type: 'state', robot: { joints: { shoulder_pan_joint: expect.any(Number), wrist_3_joint: expect.any(Number) } } });
    expect((frame as { o: number[][] }).o[0]).toHaveLength(7); // position and quaternion
    c.ws.close();
  });

  it('answers every malformed message with an error and keeps serving that tab and the others', async () => {
    const a = await client(ws);
    const b = await client(ws);
    await a.next((m) => m.type === 'hello');
    const bad: (string | Buffer)[] = [
      'not json',
      '[1,2]',
      '{"type":"launch"}',
      '{"type":"run"}',
      '{"type":"run","source":42}',
      '{"type":"newScene","seed":-1}',
      '{"type":"ping","t":1,"extra":true}',
      '{"type":"approve","job":1}',
      '{"type":"approve","job":1,"yes":true}', // well-formed, but no job is waiting for approval
      Buffer.from([1, 2, 3]),
    ];
    for (const m of bad) {
      a.ws.send(m, { binary: Buffer.isBuffer(m) });
      const reply = await a.next((r) => r.type === 'error');
      expect((reply as { message: string }).message.length).toBeGreaterThan(5);
    }
    a.ws.send(JSON.stringify({ type: 'ping', t: 7 }));
    expect(await a.next((m) => m.type === 'pong')).toEqual({ type: 'pong', t: 7 });
    b.ws.send(JSON.stringify({ type: 'ping', t: 8 }));
    expect(await b.next((m) => m.type === 'pong')).toEqual({ type: 'pong', t: 8 });
    expect(b.messages.some((m) => m.type === 'error')).toBe(false);
    a.ws.close();
    b.ws.close();
  });

  it('refuses cross-origin websockets and foreign Host headers', async () => {
    expect(await refusedStatus(ws, { Origin: 'http://evil.example' })).toBe(403);
    expect(await refusedStatus(ws, { Host: 'evil.example' })).toBe(403);
    const ok = await client(ws, { Origin: `http://127.0.0.1:${server.port}` });
    ok.ws.close();
  });

  it('stops the program of a tab that goes away', async () => {
    const c = await client(ws);
    await c.next((m) => m.type === 'state');
    c.ws.send(JSON.stringify({ type: 'run', source: 'for (let i = 0; i < 50; i++) { moveTo({x: 0.3, y: -0.2, z: 0.3}); moveTo({x: 0.7, y: 0.2, z: 0.3}); }' }));
    await c.next((m) => m.type === 'run');
    expect(server.sessions()).toBeGreaterThan(0);
    c.ws.terminate();
    const t0 = Date.now();
    while (server.sessions() > 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
    expect(server.sessions()).toBe(0);
  });
});

describe('wand serve off loopback', () => {
  it('requires the token on HTTP and on the websocket', async () => {
    const server = await startServer({ port: 0, host: '0.0.0.0', backend, env: {} });
    try {
      expect(server.token).toMatch(/^[\w-]{20,}$/);
      expect(server.url).toContain(`?token=${server.token}`);
      const base = `http://127.0.0.1:${server.port}`;
      expect((await fetch(`${base}/`)).status).toBe(401);
      expect((await fetch(`${base}/app.js`)).status).toBe(401);
      expect((await fetch(`${base}/?token=wrong-token-value`)).status).toBe(401);
      const first = await fetch(`${base}/?token=${server.token}`, { redirect: 'manual' });
      expect(first.status).toBe(303);
      const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
      expect((await fetch(`${base}/`, { headers: { cookie } })).status).toBe(200);
      expect(await refusedStatus(`ws://127.0.0.1:${server.port}/ws`)).toBe(401);
      const c = await client(`ws://127.0.0.1:${server.port}/ws`, { cookie });
      await c.next((m) => m.type === 'hello');
      c.ws.close();
    } finally {
      await server.close();
    }
  });

  it('prints the URL with a generated token', async () => {
    const child = spawn(process.execPath, [WAND, 'serve', '--host', '0.0.0.0', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    child.kill('SIGTERM');
    expect(out).toMatch(/^Wand session: http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}/);
  });

  it('refuses --approve without a robot', async () => {
    const r = await wand(['serve', '--approve']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--approve is for --backend ros/);
  });

  it('rejects a bad port with a usage error', async () => {
    const r = await wand(['serve', '--port', 'eighty']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--port must be an integer/);
  });
});
