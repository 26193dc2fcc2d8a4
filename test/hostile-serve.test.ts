import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { generateDts, primitivesFor } from '../primitives/index.ts';
import { ProgramChecker } from '../src/check/index.ts';
import { checkerThread } from '../src/check/thread.ts';
import { WandError } from '../src/core/errors.ts';
import { startServer, type RunningServer } from '../src/serve/server.ts';
import type { ServerMessage } from '../src/serve/protocol.ts';
import { ROOT, WAND } from './helpers/cli.ts';
import { startOpenAIServer, type OpenAIServer } from './helpers/openai-server.ts';

// Hostile input against the session server and the checker (issue 10): one request, cookie, URL or
// message must not end `wand serve` or make it answer 500 to others, and one model reply must not
// freeze the host. The server runs as its own process, as a person starts it.

interface ServeProcess {
  child: ChildProcess;
  port: number;
  stderr: () => string;
  stop(): Promise<void>;
}

async function serve(args: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [WAND, 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '', WAND_MODEL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`wand serve exited (${code}): ${stderr}`)));
  });
  return {
    child,
    port,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Sends raw bytes and resolves with the status line of the answer (or how the connection ended). */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let data = '';
    const done = (why: string) => {
      socket.destroy();
      resolve(why);
    };
    socket.on('data', (d) => {
      data += d;
      if (data.includes('\r\n')) done(data.split('\r\n')[0]!);
    });
    socket.on('end', () => done(data.split('\r\n')[0] || 'closed without an answer'));
    socket.on('error', (err) => done(`error ${err.message}`));
  });
}

const UPGRADE = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
const upgrade = (port: number, target: string, headers = '') => `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${headers}${UPGRADE}\r\n`;
const get = (port: number, target: string, headers = '') => `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${headers}Connection: close\r\n\r\n`;

interface Tab {
  ws: WebSocket;
  /** The next message matching `pred` (waiting up to a minute), taken out of the received ones. */
  next(pred: (m: ServerMessage) => boolean, what: string): Promise<ServerMessage>;
}

/** A websocket session as a page has it, or the HTTP status its upgrade was refused with. */
function openTab(url: string, headers: Record<string, string> = {}): Promise<Tab | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const messages: ServerMessage[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    const next = async (pred: (m: ServerMessage) => boolean, what: string) => {
      for (let i = 0; i < 6000 && !messages.some(pred); i++) await new Promise((r) => setTimeout(r, 10));
      const i = messages.findIndex(pred);
      expect(i, what).toBeGreaterThanOrEqual(0);
      return messages.splice(i, 1)[0]!;
    };
    ws.once('open', () => resolve({ ws, next }));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

describe('wand serve on loopback, attacked with single requests', () => {
  let server: ServeProcess;
  beforeAll(async () => {
    server = await serve();
  });
  afterAll(() => server.stop());

  it('answers bad websocket paths, bad cookies and a wrong Origin scheme with 4xx, logs each, and keeps serving', async () => {
    const { port } = server;
    const attacks: [string, RegExp][] = [
      [upgrade(port, '//'), / 400 /],
      [upgrade(port, '//ws'), / 400 /],
      [upgrade(port, 'http://evil.example/ws'), / 400 /],
      [upgrade(port, '/ws', 'Cookie: wand_token=%\r\n'), / 101 /], // no token required on loopback: the cookie is not even read
      [upgrade(port, '/ws', `Origin: https://127.0.0.1:${port}\r\n`), / 403 /],
      [upgrade(port, '/ws', 'Origin: null\r\n'), / 403 /],
      [upgrade(port, '/ws', 'Origin: %%%\r\n'), / 403 /],
      [upgrade(port, '/nope'), / 404 /],
      [get(port, '//'), / 400 /],
      [get(port, '/', 'Cookie: wand_token=%; other=%E0%A4%A\r\n'), / 200 /],
    ];
    for (const [request, status] of attacks) expect(await raw(port, request), request.split('\r\n')[0]).toMatch(status);

    // Still alive and serving: the page, and a working websocket session.
    expect(server.child.exitCode).toBeNull();
    expect(await raw(port, get(port, '/'))).toMatch(/ 200 /);
    const tab = await openTab(`ws://127.0.0.1:${port}/ws`, { Origin: `http://127.0.0.1:${port}` });
    if (typeof tab === 'number') throw new Error(`refused with ${tab}`);
    await tab.next((m) => m.type === 'hello', 'hello');
    tab.ws.close();

    const log = server.stderr();
    expect(log).toMatch(/400 malformed request path: GET "\/\/"/);
    expect(log).toMatch(/403 cross-origin websocket from https:\/\/127\.0\.0\.1/);
    expect(log).not.toMatch(/internal error|500/);
  });

  it('answers a deeply nested, an oversized and a binary message with an error, and the tab goes on', async () => {
    const { ws, next: nextOf } = (await openTab(`ws://127.0.0.1:${server.port}/ws`)) as Tab;
    const next = (type: string) => nextOf((m) => m.type === type, `a "${type}" message`);
    await next('hello');
    ws.send(`{"type":"run","source":"print(1)","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(await next('error')).toMatchObject({ kind: 'usage' });
    ws.send(`{"type":"ping","t":${'['.repeat(50_000)}1${']'.repeat(50_000)}}`);
    expect(await next('error')).toMatchObject({ kind: 'usage' });
    ws.send(Buffer.from([0, 1, 2]), { binary: true });
    expect(await next('error')).toMatchObject({ kind: 'usage' });
    ws.send(JSON.stringify({ type: 'ping', t: 42 }));
    expect(await next('pong')).toMatchObject({ t: 42 });
    ws.close();
    expect(server.child.exitCode).toBeNull();
  });
});

describe('wand serve with a token, attacked with single requests', () => {
  const TOKEN = 'a-long-enough-token';
  let server: ServeProcess;
  beforeAll(async () => {
    server = await serve(['--token', TOKEN]);
  });
  afterAll(() => server.stop());

  it('checks the token before the path, never decodes a broken cookie into a crash, and stays up', async () => {
    const { port } = server;
    const attacks: [string, RegExp][] = [
      [upgrade(port, '//'), / 401 /], // no token: nothing else is looked at
      [upgrade(port, '/ws', 'Cookie: wand_token=%\r\n'), / 401 /],
      [upgrade(port, '/ws', `Cookie: wand_token=%; wand_token=${TOKEN}\r\n`), / 401 /],
      [upgrade(port, `/ws?token=${TOKEN}`, `Origin: https://127.0.0.1:${port}\r\n`), / 403 /],
      [get(port, '/', 'Cookie: wand_token=%\r\n'), / 401 /],
      [get(port, `//?token=${TOKEN}`), / 401 /], // "//" is not a path: its query is not read either
      [get(port, '/app.js', `Cookie: wand_token=${TOKEN}%\r\n`), / 401 /],
    ];
    for (const [request, status] of attacks) expect(await raw(port, request), request.split('\r\n')[0]).toMatch(status);

    expect(server.child.exitCode).toBeNull();
    expect(await raw(port, get(port, '/', `Cookie: wand_token=${TOKEN}\r\n`))).toMatch(/ 200 /);
    const tab = await openTab(`ws://127.0.0.1:${port}/ws`, { Cookie: `wand_token=${TOKEN}` });
    if (typeof tab === 'number') throw new Error(`refused with ${tab}`);
    tab.ws.close();
    const log = server.stderr();
    expect(log).toMatch(/401 missing or wrong token/);
    expect(log).not.toContain(TOKEN); // tokens in a refused URL are not logged
  });
});

describe('a model reply too big to check, in wand serve', () => {
  let model: OpenAIServer;
  let server: RunningServer;
  const logged: string[] = [];
  beforeAll(async () => {
    model = await startOpenAIServer();
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      backend: { world: 'tabletop', seed: 0, backend: 'sim', rehearse: true },
      env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: model.url, WAND_MODEL: 'test-model' },
      rounds: 2,
      speed: null,
      log: (line) => logged.push(line),
    });
  });
  afterAll(async () => {
    await server.close();
    await model.close();
  });

  it('becomes a check diagnostic the model is shown, while the tab keeps answering; the e-stop ends a waiting job', async () => {
    const sum = Array(25_000).fill('1').join(' + ');
    model.push('```js\nprint(' + sum + ');\n```', '```js\nprint(2);\n```', 'done: yes\ncritique: printed.');
    const { ws, next } = (await openTab(`ws://127.0.0.1:${server.port}/ws`)) as Tab;
    await next((m) => m.type === 'status' && m.status.backend !== 'simulator (starting)', 'the world ready');
    ws.send(JSON.stringify({ type: 'ask', instruction: 'add these up' }));
    ws.send(JSON.stringify({ type: 'ping', t: 1 }));
    await next((m) => m.type === 'pong', 'a pong while the job runs');
    const check = await next((m) => m.type === 'check' && m.round === 1, 'the first check');
    expect(check).toMatchObject({ ok: false, diagnostics: [expect.stringMatching(/too large to check/)] });
    // The model was told, and its next program ran.
    expect(await next((m) => m.type === 'jobEnd', 'the end of the job')).toMatchObject({ ok: true });
    expect(model.chats()[1]!.body.messages.at(-1).content).toMatch(/too large to check/);

    // A job waiting on the model ends at once on the e-stop.
    model.push({ hang: true });
    ws.send(JSON.stringify({ type: 'ask', instruction: 'wait for it' }));
    await next((m) => m.type === 'waiting', 'the request out');
    ws.send(JSON.stringify({ type: 'stop' }));
    expect(await next((m) => m.type === 'jobEnd', 'the stopped job')).toMatchObject({ ok: false, error: { kind: 'aborted' } });
    ws.close();
  });
});

describe('the checker thread', () => {
  const checker = new ProgramChecker(generateDts(primitivesFor('tabletop')));
  // About 80,000 characters of distinct statements: within every limit, but a check takes a while.
  const slow = Array.from({ length: 2_000 }, (_, i) => `const v${i} = getObjects().length + ${i};`).join('\n') + '\nprint(v0);\n';
  beforeAll(() => checker.warm());

  it('leaves the main thread free while it checks, and a check is left at once when its signal aborts', async () => {
    const controller = new AbortController();
    let ticks = 0;
    const timer = setInterval(() => {
      if (++ticks === 1) controller.abort(new WandError('aborted', 'stopped by Ctrl-C'));
    }, 10);
    const settled = checker.check(slow, { signal: controller.signal }).then(
      () => 'checked',
      (err: unknown) => err,
    );
    const outcome = await settled;
    clearInterval(timer);
    expect(ticks).toBeGreaterThanOrEqual(1); // a timer ran during the check, and its abort was answered
    expect(outcome).toBeInstanceOf(WandError);
    expect(outcome).toMatchObject({ kind: 'aborted', message: 'stopped by Ctrl-C' });
    // The thread goes on serving checks.
    expect((await checker.check("pick('red block');")).ok).toBe(true);
  });

  it('stops a check over its budget with a diagnostic the model can act on, and replaces the thread', async () => {
    const impatient = new ProgramChecker(generateDts(primitivesFor('tabletop')), '', { budgetMs: 5 });
    const before = checkerThread().started;
    const r = await impatient.check(`${slow}// not checked before\n`);
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toEqual([expect.objectContaining({ source: 'limit', message: expect.stringMatching(/too large or too complex to check: checking it took longer than 0\.005 s/) })]);
    // A new thread takes the next check.
    expect((await checker.check("pick('red block');\nplace(42);")).diagnostics).toEqual([expect.objectContaining({ line: 2, source: 'type' })]);
    expect(checkerThread().started).toBe(before + 1);
  });

  it('refuses programs too large or too deeply nested before TypeScript sees them', async () => {
    const cases: [string, RegExp][] = [
      ['print(' + Array(25_000).fill('1').join(' + ') + ');', /too large to check \(100,005 characters; at most 100,000\)/],
      ['print(' + Array(1_000).fill('1').join(' + ') + ');', /too deeply nested to check \(more than 200 levels at line 1\)/],
      ['print(' + '['.repeat(5_000) + ']'.repeat(5_000) + ');', /too deeply nested to check \(brackets nested more than 100 deep at line 1\)/],
      ['print(' + '!'.repeat(20_000) + '1);', /too deeply nested to check/],
    ];
    for (const [source, message] of cases) {
      const r = await checker.check(source);
      expect(r).toMatchObject({ ok: false, diagnostics: [{ source: 'limit', message: expect.stringMatching(message) }] });
    }
  });

  it('flags the whitelist bypasses: Reflect.get, keys built from pieces, destructuring, API names declared', async () => {
    const cases: [string, RegExp][] = [
      ["const F = Reflect.get({}, 'constructor');\nprint(F);", /the string "constructor" is not allowed/],
      ["const o = {};\nprint(o['constr' + 'uctor']);", /\["constructor"\] is not allowed/],
      ["const k = 'constr';\nconst o = {};\nprint(o[`${k}uctor`]);", /\["constructor"\] is not allowed/],
      ['const { constructor: A } = {};\nprint(A);', /destructuring constructor is not allowed/],
      ['let A;\n({ constructor: A } = []);\nprint(A);', /destructuring constructor is not allowed/],
      ['function say(text) {}\nsay("hi");', /say is a robot API function/],
      ['const console = { log() {} };', /console is the program output/],
      ['const JSON = null;', /JSON is a built-in global/],
    ];
    for (const [source, message] of cases) {
      const r = await checker.check(source);
      expect(r.ok, source).toBe(false);
      expect(r.diagnostics.filter((d) => d.source === 'whitelist').map((d) => d.message), source).toEqual([expect.stringMatching(message)]);
    }
    // Ordinary computed access and names stay fine.
    expect((await checker.check("const names = getObjectNames();\nconst m = { a: 1 };\nconst k = 'a';\nprint(names[0], m[k], m['a' + '']);")).ok).toBe(true);
  });
});
