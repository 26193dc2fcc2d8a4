import { COLORS } from '../../primitives/schemas.ts';
import { DIRECTION_SYNONYMS, DIRECTIONS } from '../../primitives/tabletop/vocabulary.ts';
import { NAMED_POSITIONS } from '../../primitives/tabletop/world.ts';
import type { SkillEntry } from './schema.ts';

// Lexical retrieval: BM25 over what a person would search a skill by (its name split at camelCase, its
// description, its parameter names and the instruction it was made for). It needs no model, is
// deterministic, and an unrelated skill scores zero, so it is not offered.

// Function words, plus the verbs nearly every robot instruction has: they say nothing about which skill fits.
const STOP = new Set(
  'put move place take make get go a an and are as at be by do does for from i in into is it its me my now of on onto or please so that the then them there these they this those to up us we with you your can could would should will just all each every one ones'.split(' '),
);

/** Lower-case word stems: camelCase split, plurals and -ing/-ed endings trimmed. */
export function terms(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1 && !STOP.has(w))
    .map(stem);
}

function stem(w: string): string {
  if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 4 && /(ss|sh|ch|x)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

/**
 * Words that name what a task is applied to rather than what it does: colours, kinds of object, places,
 * directions, amounts. "Line up the blocks at the top" and "line up the bowls on the left" are the same task.
 */
const ARGUMENT_WORDS = new Set(
  [
    ...COLORS,
    ...Object.keys(NAMED_POSITIONS).flatMap((n) => n.split(' ')),
    ...Object.keys(DIRECTIONS),
    ...Object.keys(DIRECTION_SYNONYMS),
    ...'block bowl object thing item centre center cm first second third fourth last little lot two three four five'.split(' '),
  ].map(stem),
);

/** What an instruction asks to be done, as word stems: its terms without the argument words and numbers. */
export function taskTerms(text: string): string[] {
  return [...new Set(terms(text).filter((t) => !ARGUMENT_WORDS.has(t) && !/^\d/.test(t)))];
}

/**
 * How well a skill fits an instruction: the share of the instruction's task terms that the skill's text
 * (name, doc, parameters, original instruction) contains. 0 when the instruction asks nothing a skill could
 * do ("put the red block in the blue bowl" is all arguments).
 */
export function relevance(instruction: string, entry: Pick<SkillEntry, 'name' | 'description' | 'signature' | 'provenance'>): number {
  const wanted = taskTerms(instruction);
  if (!wanted.length) return 0;
  const has = new Set(terms(skillText(entry)));
  return wanted.filter((t) => has.has(t)).length / wanted.length;
}

/** The text a skill is found by. */
export function skillText(e: Pick<SkillEntry, 'name' | 'description' | 'signature' | 'provenance'>): string {
  const params = /\(([^)]*)\)/.exec(e.signature)?.[1]?.replace(/:[^,]*/g, '') ?? '';
  return `${e.name} ${e.description} ${params} ${e.provenance.instruction}`;
}

export interface Ranked<T> {
  item: T;
  score: number;
}

const K1 = 1.2;
const B = 0.75;

/** Items sharing at least one term with the query, best first. */
export function bm25<T>(query: string, items: T[], textOf: (item: T) => string): Ranked<T>[] {
  const docs = items.map((item) => ({ item, terms: terms(textOf(item)) }));
  if (!docs.length) return [];
  const avg = docs.reduce((n, d) => n + d.terms.length, 0) / docs.length || 1;
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(d.terms)) df.set(t, (df.get(t) ?? 0) + 1);
  const q = [...new Set(terms(query))];
  const ranked: Ranked<T>[] = [];
  for (const d of docs) {
    const tf = new Map<string, number>();
    for (const t of d.terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    let score = 0;
    for (const t of q) {
      const f = tf.get(t);
      if (!f) continue;
      const n = df.get(t)!;
      const idf = Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
      score += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * d.terms.length) / avg));
    }
    if (score > 0) ranked.push({ item: d.item, score });
  }
  return ranked.sort((a, b) => b.score - a.score);
}
