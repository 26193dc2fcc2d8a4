import { bm25, relevance, skillText } from './rank.ts';
import { cachedEmbeddings, cosine, type Embedder } from './embed.ts';
import type { SkillEntry } from './schema.ts';

// Which stored skills to offer for an instruction: a few, and only related ones. Lexical BM25 by default;
// with an embeddings model, its ranking is fused with the lexical one (reciprocal rank fusion), so either
// can bring in a skill the other missed, and a failing endpoint only costs the semantic half.

/** Skills offered per instruction. */
export const DEFAULT_K = 3;
/** Cosine similarity below which an embedding match is not considered related. */
export const MIN_COSINE = 0.3;
/**
 * A skill is offered lexically only when its text holds at least this share of the instruction's task
 * terms (what is to be done, not to which objects or places): an unrelated skill that merely shares
 * "blocks" is not offered, and when nothing fits nothing is.
 */
export const MIN_RELEVANCE = 0.3;
const RRF_K = 60;

export interface Retrieval {
  skills: SkillEntry[];
  method: 'lexical' | 'lexical+embeddings';
  /** Set when the embeddings endpoint failed and only lexical ranking was used. */
  warning?: string;
}

export async function retrieve(
  instruction: string,
  entries: SkillEntry[],
  opts: { k?: number; embedder?: Embedder | null; cacheDir?: string; signal?: AbortSignal } = {},
): Promise<Retrieval> {
  const k = opts.k ?? DEFAULT_K;
  const lexical = bm25(instruction, entries, skillText);
  const lexHits = lexical.filter((r) => relevance(instruction, r.item) >= MIN_RELEVANCE).map((r) => r.item);
  if (!opts.embedder || !entries.length) return { skills: lexHits.slice(0, k), method: 'lexical' };

  let semHits: SkillEntry[];
  try {
    const keyOf = (e: SkillEntry) => `${e.fingerprint}:${e.name}:${e.description}`;
    const vectors = await cachedEmbeddings(
      opts.embedder,
      opts.cacheDir ?? '.',
      entries.map((e) => ({ key: keyOf(e), text: skillText(e) })),
      opts.signal,
    );
    const [query] = await opts.embedder.embed([instruction], opts.signal);
    semHits = entries
      .map((e) => ({ e, s: cosine(query!, vectors.get(keyOf(e))!) }))
      .filter((r) => r.s >= MIN_COSINE)
      .sort((a, b) => b.s - a.s)
      .map((r) => r.e);
  } catch (err) {
    const warning = `the embeddings endpoint failed (${(err as Error).message}); skills were ranked lexically`;
    return { skills: lexHits.slice(0, k), method: 'lexical', warning };
  }
  const fused = new Map<SkillEntry, number>();
  for (const list of [lexHits, semHits]) list.forEach((e, rank) => fused.set(e, (fused.get(e) ?? 0) + 1 / (RRF_K + rank + 1)));
  const skills = [...fused.entries()].sort((a, b) => b[1] - a[1]).map(([e]) => e).slice(0, k);
  return { skills, method: 'lexical+embeddings' };
}
