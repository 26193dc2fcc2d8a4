// Records of what a program did (call records, events, transcripts, the model's feedback) keep a
// bounded preview of each value: small values as they are, big ones cut down with their size noted,
// so one call with a huge argument cannot make a record, a prompt or a transcript huge.

/** Characters of JSON below which a value is kept as it is. */
export const PREVIEW_CHARS = 2_000;

/** How much of a value a preview keeps. */
export interface PreviewSize {
  stringChars: number;
  items: number;
  depth: number;
}

const PREVIEW: PreviewSize = { stringChars: 200, items: 20, depth: 6 };

const fmt = (n: number) => n.toLocaleString('en-US');

/** A string cut to `max` characters, its full length noted. */
export function previewText(text: string, max = PREVIEW.stringChars): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${fmt(text.length)} characters)`;
}

/** `value` itself when its JSON is small (`chars`, when the caller knows it), else a cut-down copy. */
export function previewValue(value: unknown, chars?: number): unknown {
  if (chars !== undefined && chars <= PREVIEW_CHARS) return value;
  return shrink(value, PREVIEW);
}

/** A copy of `value` with long strings, long lists and deep nesting cut down, each cut saying what was left out. */
export function shrink(value: unknown, size: PreviewSize, depth = 0): unknown {
  if (typeof value === 'string') return previewText(value, size.stringChars);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= size.depth) return Array.isArray(value) ? `… (an array nested deeper)` : `… (an object nested deeper)`;
  if (Array.isArray(value)) {
    const out = value.slice(0, size.items).map((v) => shrink(v, size, depth + 1));
    if (value.length > size.items) out.push(`… (${fmt(value.length - size.items)} more items)`);
    return out;
  }
  const entries = Object.entries(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries.slice(0, size.items)) out[previewText(k, 60)] = shrink(v, size, depth + 1);
  if (entries.length > size.items) out['…'] = `${fmt(entries.length - size.items)} more keys`;
  return out;
}
