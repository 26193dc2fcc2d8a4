import OpenAI from 'openai';
import { WandError } from '../core/errors.ts';
import type { ChatMessage, ChatModel, CompleteOptions, Completion } from './chat.ts';
import { DEFAULT_OPENAI_MODEL, type ModelConfig } from './config.ts';
import { estimateMessageTokens, estimateTokens } from './tokens.ts';

// Chat completions over the `openai` client, kept to what OpenAI, Ollama, vLLM and llama.cpp all
// serve: plain messages in, text out (no tools, no JSON schema). Back-off and retries on 429/5xx and
// connection errors are the client's own; this adds model discovery, the reply timeout, abort, usage
// and one-sentence errors. The timeout is Wand's, not the client's: the client re-sends a request that
// timed out, which a slow model answers again from the start, so a reply that is late is said to be late
// (naming WAND_MODEL_TIMEOUT_S) instead of being silently asked for again.

/** The setting that controls how long a reply may take. */
export const TIMEOUT_SETTING = 'WAND_MODEL_TIMEOUT_S';

export class OpenAIChatModel implements ChatModel {
  private readonly client: OpenAI;
  private model: string | undefined;

  constructor(private readonly config: ModelConfig) {
    this.client = new OpenAI({
      apiKey: config.apiKey,
      baseURL: config.baseURL,
      // Wand's own watchdog (below) ends a slow request first; the client's timeout only backs it up.
      timeout: config.timeoutMs * 2 + 5000,
      maxRetries: config.maxRetries,
    });
    this.model = config.model;
  }

  get endpoint(): string {
    return this.client.baseURL;
  }

  get label(): string {
    return `${this.model ?? '(first model listed)'} at ${this.endpoint}`;
  }

  /** The configured model, or else OpenAI's default, or else the first model a local server lists. */
  async resolveModel(signal?: AbortSignal): Promise<string> {
    if (this.model) return this.model;
    if (!this.config.baseURL) return (this.model = DEFAULT_OPENAI_MODEL);
    try {
      const page = await this.client.models.list({ signal });
      const first = page.data[0]?.id;
      if (!first) throw new WandError('usage', `the model server at ${this.endpoint} lists no models; set WAND_MODEL or --model`);
      return (this.model = first);
    } catch (err) {
      if (err instanceof WandError) throw err;
      throw this.explain(err, signal);
    }
  }

  async complete(messages: ChatMessage[], opts: CompleteOptions = {}): Promise<Completion> {
    const model = await this.resolveModel(opts.signal);
    const started = performance.now();
    const body = {
      model,
      messages,
      ...(this.config.temperature !== undefined ? { temperature: this.config.temperature } : {}),
    };
    // One watchdog per request: armed until the reply arrives (or, streaming, until the next piece of it),
    // tripped by the person's abort too. A request it ends is never sent again.
    const watchdog = new AbortController();
    const onAbort = () => watchdog.abort(opts.signal!.reason);
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let late = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        late = true;
        watchdog.abort();
      }, this.config.timeoutMs);
    };
    arm();
    try {
      if (this.config.stream) return await this.streamed(body, messages, opts, started, watchdog.signal, arm);
      const res = await this.client.chat.completions.create({ ...body, stream: false }, { signal: watchdog.signal });
      const text = res.choices[0]?.message?.content ?? '';
      return this.completion(text, res.usage, messages, model, started);
    } catch (err) {
      if (late) throw this.late();
      throw this.explain(err, opts.signal);
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The reply did not come in time: said in words that name the setting, and not asked for again. */
  private late(): WandError {
    const s = this.config.timeoutMs / 1000;
    return new WandError(
      'timeout',
      `the model at ${this.endpoint} did not answer within ${s} s, so Wand stopped waiting (the request was not sent again); ` +
        `set ${TIMEOUT_SETTING} to wait longer`,
    );
  }

  private async streamed(
    body: { model: string; messages: ChatMessage[] },
    messages: ChatMessage[],
    opts: CompleteOptions,
    started: number,
    signal: AbortSignal,
    rearm: () => void,
  ): Promise<Completion> {
    const stream = await this.client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, { signal });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      // A stream that keeps coming is not late; one that stalls for the timeout is.
      rearm();
      const delta = chunk.choices[0]?.delta?.content;
      if (delta) {
        text += delta;
        opts.onDelta?.(delta);
      }
      if (chunk.usage) usage = chunk.usage;
    }
    return this.completion(text, usage, messages, body.model, started);
  }

  private completion(
    text: string,
    usage: OpenAI.CompletionUsage | null | undefined,
    messages: ChatMessage[],
    model: string,
    started: number,
  ): Completion {
    const c: Completion = {
      text,
      promptTokens: usage?.prompt_tokens ?? estimateMessageTokens(messages),
      completionTokens: usage?.completion_tokens ?? estimateTokens(text),
      model,
      ms: Math.round(performance.now() - started),
    };
    const cached = usage?.prompt_tokens_details?.cached_tokens;
    if (cached) c.cachedPromptTokens = cached;
    if (!usage) c.estimated = true;
    return c;
  }

  /** Library errors as one sentence a person can act on. */
  private explain(err: unknown, signal?: AbortSignal): WandError {
    if (err instanceof WandError) return err;
    if (signal?.aborted || err instanceof OpenAI.APIUserAbortError) {
      const reason = signal?.reason;
      return reason instanceof WandError ? reason : new WandError('aborted', 'the model request was cancelled');
    }
    const tries = this.config.maxRetries + 1;
    const attempts = tries > 1 ? ` (${tries} attempts)` : '';
    if (err instanceof OpenAI.APIConnectionTimeoutError) return this.late();
    if (err instanceof OpenAI.APIConnectionError) {
      const cause = (err.cause as { cause?: { code?: string }; message?: string } | undefined);
      const why = cause?.cause?.code ?? cause?.message ?? err.message;
      return new WandError('connection', `cannot reach the model endpoint at ${this.endpoint}${attempts}: ${why}`);
    }
    if (err instanceof OpenAI.APIError) {
      const detail = String((err.error as { message?: unknown } | undefined)?.message ?? err.message).slice(0, 300);
      if (err.status === 401 || err.status === 403) {
        return new WandError('connection', `the model endpoint at ${this.endpoint} refused the request (${err.status}): check OPENAI_API_KEY`);
      }
      if (err.status === 404) {
        return new WandError('connection', `the model endpoint at ${this.endpoint} answered 404 (${detail}): check OPENAI_BASE_URL and the model name`);
      }
      return new WandError('connection', `the model endpoint at ${this.endpoint} answered ${err.status ?? 'an error'}${attempts}: ${detail}`);
    }
    return new WandError('connection', `the model request failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
