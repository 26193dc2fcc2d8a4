import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { LineReader } from '../core/line-reader.ts';
import { WandError } from '../core/errors.ts';
import type { ChatMessage, ChatModel, CompleteOptions, Completion } from './chat.ts';
import { estimateMessageTokens, estimateTokens } from './tokens.ts';

// --llm manual: a person plays the model. The prompt is printed (messages already shown are not
// repeated) and the reply is read from standard input up to a line holding only "." or the end of input.

export const END_OF_REPLY = '.';

export class ManualModel implements ChatModel {
  readonly label = 'manual (you are the model)';
  /** Hashes of every conversation prefix already printed: a request repeats only what it adds. */
  private readonly shown = new Set<string>();
  private requests = 0;

  constructor(
    private readonly input: LineReader,
    private readonly out: Writable,
  ) {}

  async complete(messages: ChatMessage[], opts: CompleteOptions = {}): Promise<Completion> {
    const started = performance.now();
    this.requests++;
    const prefixes = prefixHashes(messages);
    let skipped = 0;
    prefixes.forEach((h, i) => {
      if (this.shown.has(h)) skipped = i + 1;
    });
    const fresh = messages.slice(skipped);
    const head = `===== prompt ${this.requests}${skipped ? ` (${skipped} earlier message${skipped === 1 ? '' : 's'} not repeated)` : ''} =====`;
    this.out.write(`${head}\n${fresh.map((m) => `[${m.role}]\n${m.content}`).join('\n\n')}\n`);
    this.out.write(`===== your reply; end it with a line holding only "${END_OF_REPLY}" =====\n`);
    for (const h of prefixes) this.shown.add(h);
    const reply: string[] = [];
    for (;;) {
      const line = await this.input.next(opts.signal);
      if (line === undefined) {
        // Nobody stopped anything: the input simply had no reply in it, a usage error (exit code 2), not a Ctrl-C.
        if (!reply.length) throw new WandError('usage', 'standard input ended before a reply was given (--llm manual reads the reply there)');
        break;
      }
      if (line.trim() === END_OF_REPLY) break;
      reply.push(line);
    }
    const text = reply.join('\n');
    return {
      text,
      promptTokens: estimateMessageTokens(messages),
      completionTokens: estimateTokens(text),
      estimated: true,
      model: 'manual',
      ms: Math.round(performance.now() - started),
    };
  }
}

function prefixHashes(messages: ChatMessage[]): string[] {
  const hash = createHash('sha1');
  return messages.map((m) => {
    hash.update(`${m.role}\0${m.content}\0`);
    return hash.copy().digest('hex');
  });
}
