import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { openBackend, type OpenBackend } from '../backends/open.ts';
import type { BackendOptions } from '../backends/options.ts';
import { WandError } from '../core/errors.ts';
import type { SkillsChoice } from '../skills/options.ts';
import { Gate, TOKEN_COOKIE, isLoopbackHost, newToken, requestUrl, urlHost } from './auth.ts';
import { pageBundle } from './bundle.ts';
import { modelStatus } from './model-status.ts';
import { CSP, pageHtml } from './page-html.ts';
import { MAX_MESSAGE_BYTES } from './protocol.ts';
import { Session, type SessionConfig } from './session.ts';
import { SharedRobot } from './shared-robot.ts';
import { SpareWorld } from './spare-world.ts';

// The session server: the page (HTML, one bundled script, one stylesheet) over HTTP and one websocket
// per tab at /ws. Every request passes the Gate (Host, token) and websockets also the Origin check.

export interface ServeOptions {
  port: number;
  host: string;
  /** Required off loopback; generated when not given there. */
  token?: string;
  backend: BackendOptions;
  env?: NodeJS.ProcessEnv;
  /** Opens a world for a tab (tests may substitute one). */
  open?: (opts: BackendOptions) => Promise<OpenBackend>;
  /** Model rounds per instruction (default: the ask loop's). */
  rounds?: number;
  /** Simulation speed for watching: 1 = real time (default); null = as fast as possible. */
  speed?: number | null;
  /** The skills library the tabs' conversations use, as `wand ask --skills` (the CLI passes its flags'); absent or null: none. */
  skills?: SkillsChoice;
  /** --approve: every robot program (editor or model) waits for the person's yes on the page. */
  approve?: boolean;
  /** Where refused requests and server faults are reported, one line each (default: standard error). */
  log?: (line: string) => void;
}

export interface RunningServer {
  /** The URL to open, with the token when one is required. */
  url: string;
  port: number;
  token: string | undefined;
  sessions(): number;
  close(): Promise<void>;
}

/** A tab that stops answering pings (crashed, laptop lid closed) is dropped, and its program with it. */
const HEARTBEAT_MS = 15_000;

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const token = opts.token ?? (isLoopbackHost(opts.host) ? undefined : newToken());
  const gate = new Gate(opts.host, token);
  const env = opts.env ?? process.env;
  const model = modelStatus(env);
  const openWorld = opts.open ?? openBackend;
  const spare = new SpareWorld(opts.backend, openWorld);
  const robot = opts.backend.backend === 'ros' ? new SharedRobot(openWorld) : undefined;
  const open = (o: BackendOptions) => (robot ? robot.connect(o) : spare.take(o));
  // The ask loop (TypeScript checker, model client) loads on the first instruction, not at start-up.
  const converse: SessionConfig['converse'] = async (target, opened) =>
    (await import('./ask-bridge.ts')).openConversation(target, { env, rounds: opts.rounds, rehearse: opened.options.rehearse, ...(opts.skills ? { skills: { choice: opts.skills, opened } } : {}) });
  // Bundling starts now, in the background; the first request for the script waits for it.
  pageBundle().catch(() => {});
  if (model.configured) {
    const warm = setTimeout(() => void import('./ask-bridge.ts').then((m) => m.warmChecker(opts.backend.world)).catch(() => {}), 50);
    warm.unref();
  }

  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const refused = (req: IncomingMessage, status: number, reason: string) => log(`wand serve: ${status} ${reason}: ${requestLine(req)}`);

  const http = createServer((req, res) => {
    serveHttp(req, res, gate, refused).catch((err) => {
      // A fault of ours on one request; the server and every other request go on.
      log(`wand serve: 500 ${(err as Error).message}: ${requestLine(req)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('internal error\n');
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const sessions = new Map<WebSocket, { session: Session; alive: boolean }>();

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Host, Origin and token first; only then is the path looked at.
    const verdict = gate.check(req, { websocket: true });
    if (!verdict.ok) return refuseUpgrade(socket, verdict.status, verdict.reason, () => refused(req, verdict.status, verdict.reason));
    if (requestUrl(req)?.pathname !== '/ws') return refuseUpgrade(socket, 404, 'not found', () => refused(req, 404, 'not found'));
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new Session(ws, { backend: opts.backend, speed: opts.speed === undefined ? 1 : opts.speed, model, open, converse, robot, approve: opts.approve });
      const entry = { session, alive: true };
      sessions.set(ws, entry);
      ws.on('pong', () => (entry.alive = true));
      ws.on('message', (data, isBinary) => session.handle(data, isBinary));
      ws.on('error', () => ws.terminate());
      ws.on('close', () => {
        sessions.delete(ws);
        void session.close();
      });
      session.start().catch((err) => {
        log(`wand serve: a session could not start: ${(err as Error).message}`);
        // A close reason is at most 123 bytes; the log has the whole message.
        ws.close(1011, 'the session could not start');
      });
    });
  };
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      upgrade(req, socket, head);
    } catch (err) {
      // Whatever one upgrade request holds, it ends that request, never the server.
      log(`wand serve: 400 ${(err as Error).message}: ${requestLine(req)}`);
      refuseUpgrade(socket, 400, 'bad request');
    }
  });

  const heartbeat = setInterval(() => {
    for (const [ws, entry] of sessions) {
      if (!entry.alive) ws.terminate();
      entry.alive = false;
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    http.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new WandError('usage', `port ${opts.port} on ${opts.host} is in use; choose another with --port`)
          : err.code === 'EADDRNOTAVAIL'
            ? new WandError('usage', `cannot bind to ${opts.host}: no such address on this machine`)
            : err,
      ),
    );
    http.listen(opts.port, opts.host, () => resolve());
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const url = `http://${urlHost(opts.host)}:${port}/${token ? `?token=${token}` : ''}`;

  return {
    url,
    port,
    token,
    sessions: () => sessions.size,
    async close() {
      clearInterval(heartbeat);
      const closing = [...sessions.values()].map((e) => e.session.close());
      for (const ws of sessions.keys()) ws.terminate();
      await Promise.all(closing);
      await spare.close();
      await robot?.close();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

const SECURITY_HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

async function serveHttp(req: IncomingMessage, res: ServerResponse, gate: Gate, refused: (req: IncomingMessage, status: number, reason: string) => void): Promise<void> {
  const verdict = gate.check(req);
  if (!verdict.ok) {
    refused(req, verdict.status, verdict.reason);
    res.writeHead(verdict.status, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
    return void res.end(`${verdict.reason}\n`);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    refused(req, 405, 'method not allowed');
    res.writeHead(405, { allow: 'GET, HEAD', ...SECURITY_HEADERS });
    return void res.end();
  }
  const path = requestUrl(req)!.pathname; // the gate refused requests without a valid path
  if (path === '/' && verdict.viaQuery && gate.token) {
    // The token moves from the address bar into a cookie the page's script and websocket then send.
    res.writeHead(303, {
      location: '/',
      'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(gate.token)}; HttpOnly; SameSite=Strict; Path=/`,
      ...SECURITY_HEADERS,
    });
    return void res.end();
  }
  let body: string | Buffer;
  let type: string;
  const extra: Record<string, string> = {};
  if (path === '/') [body, type] = [pageHtml(), 'text/html; charset=utf-8'];
  else if (path === '/app.js') {
    const bundle = await pageBundle();
    type = 'text/javascript; charset=utf-8';
    body = bundle.js;
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      body = bundle.jsGzip;
      extra['content-encoding'] = 'gzip';
    }
    extra.vary = 'accept-encoding';
  } else if (path === '/app.css') [body, type] = [(await pageBundle()).css, 'text/css; charset=utf-8'];
  else {
    refused(req, 404, 'not found');
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
    return void res.end('not found\n');
  }
  res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...extra, ...SECURITY_HEADERS });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string, log?: () => void): void {
  log?.();
  const text = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status] ?? 'Bad Request';
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${reason}\n`);
  else socket.destroy();
}

/** The request as a log line shows it: method, target (cut short, control characters escaped) and peer. */
function requestLine(req: IncomingMessage): string {
  // A token in the query is never logged, right or wrong (a wrong one may be a typo of the right one).
  const target = JSON.stringify(String(req.url ?? '').slice(0, 200).replace(/([?&]token=)[^&]*/g, '$1…'));
  return `${req.method ?? '?'} ${target} from ${req.socket?.remoteAddress ?? 'unknown'}`;
}
