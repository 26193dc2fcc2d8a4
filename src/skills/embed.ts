import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { z } from 'zod';
import { PLACEHOLDER_KEY } from '../model/config.ts';

// Optional semantic retrieval through an OpenAI-compatible embeddings endpoint (WAND_EMBEDDINGS_MODEL).
// Skill vectors are cached beside the index by fingerprint, so each skill is embedded once per model;
// the cache is only a cache: a damaged one is ignored and rebuilt.

export interface Embedder {
  readonly model: string;
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

export class OpenAIEmbedder implements Embedder {
  private readonly client: OpenAI;

  constructor(
    readonly model: string,
    opts: { baseURL?: string; apiKey?: string; timeoutMs?: number },
  ) {
    this.client = new OpenAI({ baseURL: opts.baseURL, apiKey: opts.apiKey ?? PLACEHOLDER_KEY, timeout: opts.timeoutMs ?? 30_000, maxRetries: 1 });
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    if (!texts.length) return [];
    const res = await this.client.embeddings.create({ model: this.model, input: texts, encoding_format: 'float' }, { signal });
    const out = [...res.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    if (out.length !== texts.length) throw new Error(`the embeddings endpoint returned ${out.length} vectors for ${texts.length} texts`);
    return out;
  }
}

/** The embedder the environment asks for, or null (lexical ranking only). */
export function embedderFromEnv(env: NodeJS.ProcessEnv): Embedder | null {
  const model = env.WAND_EMBEDDINGS_MODEL?.trim();
  if (!model) return null;
  return new OpenAIEmbedder(model, {
    baseURL: env.WAND_EMBEDDINGS_BASE_URL?.trim() || env.OPENAI_BASE_URL?.trim() || undefined,
    apiKey: env.OPENAI_API_KEY?.trim() || undefined,
  });
}

export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

const CacheFile = z.object({ model: z.string(), vectors: z.record(z.string(), z.array(z.number())) });
const CACHE = 'embeddings.json';

/** Vectors for the texts keyed by `key`, from the cache where possible. */
export async function cachedEmbeddings(
  embedder: Embedder,
  dir: string,
  items: { key: string; text: string }[],
  signal?: AbortSignal,
): Promise<Map<string, number[]>> {
  const path = join(dir, CACHE);
  let cache: z.infer<typeof CacheFile> = { model: embedder.model, vectors: {} };
  try {
    const parsed = CacheFile.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (parsed.success && parsed.data.model === embedder.model) cache = parsed.data;
  } catch {
    // no cache yet, or a damaged one: rebuilt below
  }
  const missing = items.filter((i) => !cache.vectors[i.key]);
  if (missing.length) {
    const vectors = await embedder.embed(missing.map((m) => m.text), signal);
    missing.forEach((m, i) => (cache.vectors[m.key] = vectors[i]!));
    // Keep only what the library still holds.
    const keep = new Set(items.map((i) => i.key));
    for (const k of Object.keys(cache.vectors)) if (!keep.has(k)) delete cache.vectors[k];
    try {
      mkdirSync(dir, { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(cache));
      renameSync(tmp, path);
    } catch {
      // a read-only library still ranks; it just embeds again next time
    }
  }
  return new Map(items.map((i) => [i.key, cache.vectors[i.key]!]));
}
