import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

// An OpenAI-compatible chat-completions server on 127.0.0.1 with scripted replies, so tests exercise
// the real `openai` client over real HTTP. It answers `stream: false` with JSON and `stream: true` with
// server-sent events, lists one model, and records every request.

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: any;
}

export type Scripted =
  | string
  | { content: string; usage?: { prompt_tokens: number; completion_tokens: number; cached?: number } }
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { hang: true }
  | ((req: RecordedRequest) => Scripted);

export interface OpenAIServer {
  /** Base URL for OPENAI_BASE_URL, ending in /v1. */
  url: string;
  requests: RecordedRequest[];
  /** Requests to /chat/completions only. */
  chats(): RecordedRequest[];
  push(...replies: Scripted[]): void;
  close(): Promise<void>;
}

export const TEST_MODEL = 'test-model';

export async function startOpenAIServer(script: Scripted[] = []): Promise<OpenAIServer> {
  const queue = [...script];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const recorded: RecordedRequest = { method: req.method!, url: req.url!, headers: req.headers, body: raw ? JSON.parse(raw) : undefined };
    requests.push(recorded);

    if (req.method === 'GET' && req.url?.endsWith('/models')) {
      return json(res, 200, { object: 'list', data: [{ id: TEST_MODEL, object: 'model', created: 0, owned_by: 'test' }] });
    }
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      return json(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
    }
    let next: Scripted | undefined = queue.shift();
    while (typeof next === 'function') next = next(recorded);
    if (next === undefined) {
      return json(res, 500, { error: { message: 'the test script has no reply left' } }, { 'x-should-retry': 'false' });
    }
    if (typeof next === 'object' && 'hang' in next) return; // never answers: the client must time out
    if (typeof next === 'object' && 'status' in next) {
      return json(res, next.status, next.body ?? { error: { message: `scripted ${next.status}` } }, next.headers);
    }
    const reply = typeof next === 'string' ? { content: next } : next;
    const messages = (recorded.body?.messages ?? []) as { content: string }[];
    const usage = reply.usage ?? {
      prompt_tokens: Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4),
      completion_tokens: Math.ceil(reply.content.length / 4),
    };
    const usageBody = {
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      total_tokens: usage.prompt_tokens + usage.completion_tokens,
      ...('cached' in usage && usage.cached ? { prompt_tokens_details: { cached_tokens: usage.cached } } : {}),
    };
    const base = { id: `chatcmpl-${requests.length}`, created: 0, model: recorded.body?.model ?? TEST_MODEL };
    if (recorded.body?.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
      const pieces = reply.content.match(/[\s\S]{1,12}/g) ?? [];
      send({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
      for (const p of pieces) send({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: p }, finish_reason: null }] });
      send({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
      if (recorded.body?.stream_options?.include_usage) send({ ...base, object: 'chat.completion.chunk', choices: [], usage: usageBody });
      res.end('data: [DONE]\n\n');
      return;
    }
    json(res, 200, {
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: reply.content }, finish_reason: 'stop' }],
      usage: usageBody,
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    chats: () => requests.filter((r) => r.url.endsWith('/chat/completions')),
    push: (...replies) => queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
