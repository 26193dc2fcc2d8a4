// Records of what a program did (call records, events, transcripts, the model's feedback) keep a
// bounded preview of each value: small values as they are, big ones cut down with their size noted,
// so one call with a huge argument cannot make a record, a prompt or a transcript huge.

/** Characters of JSON below which a value is kept as it is. */
export const PREVIEW_CHARS = 2_000;
const STRING_CHARS = 200;
const ITEMS = 20;
const DEPTH = 6;

const fmt = (n: number) => n.toLocaleString('en-US');

/** A string cut to `max` characters, its full length noted. */
export function previewText(text: string, max = STRING_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${fmt(text.length)} characters)`;
}

/** `value` itself when its JSON is small (`chars`, when the caller knows it), else a cut-down copy. */
export function previewValue(value: unknown, chars?: number): unknown {
  if (chars !== undefined && chars <= PREVIEW_CHARS) return value;
  return cut(value, 0);
}

function cut(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return previewText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= DEPTH) return Array.isArray(value) ? `… (an array nested deeper)` : `… (an object nested deeper)`;
  if (Array.isArray(value)) {
    const out = value.slice(0, ITEMS).map((v) => cut(v, depth + 1));
    if (value.length > ITEMS) out.push(`… (${fmt(value.length - ITEMS)} more items)`);
    return out;
  }
  const entries = Object.entries(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries.slice(0, ITEMS)) out[previewText(k, 60)] = cut(v, depth + 1);
  if (entries.length > ITEMS) out['…'] = `${fmt(entries.length - ITEMS)} more keys`;
  return out;
}
