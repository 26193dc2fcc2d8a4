import { z } from 'zod';
import { WandError } from '../core/errors.ts';
import { parseJsonText } from '../core/json.ts';

// The skills index (.wand/skills/index.json): one entry per stored version of a skill. The code itself is
// in one .ts file per version beside the index, so people can read and edit it; the index holds what
// Wand needs to choose, offer and account for it. Hand edits are expected, so every rejection names
// the entry and the field, and a broken index is reported, never overwritten.

export const INDEX_FORMAT = 'wand-skills/1';
export const PROFILES = ['tabletop', 'mobile'] as const;
export type SkillProfile = (typeof PROFILES)[number];

const identifier = z.string().regex(/^[A-Za-z_$][\w$]*$/, 'must be a JavaScript identifier');
const count = z.number().int().min(0);
const date = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date such as "2025-01-31T12:00:00.000Z"');

export const SkillStats = z.strictObject({
  /** Instructions in which a program called the skill. */
  uses: count,
  /** ...and the task was then verified done. */
  successes: count,
  /** Runs that called the skill and failed, or were judged not done. */
  failures: count,
  /** Failures since the last success; at MAX_FAIL_STREAK (or at the first, before any success) the skill is retired. */
  failStreak: count,
  lastUsed: date.optional(),
  /** What went wrong the last time, for people reading `wand skills show`. */
  lastFailure: z.string().optional(),
});
export type SkillStats = z.infer<typeof SkillStats>;

export const Provenance = z.strictObject({
  /** The instruction whose verified run produced the skill. */
  instruction: z.string(),
  /** Transcript of that session (a path), when there was one. */
  session: z.string().optional(),
  date,
  /** Set by `wand skills import`: the file it came from. */
  importedFrom: z.string().optional(),
});
export type Provenance = z.infer<typeof Provenance>;

export const SkillEntry = z.strictObject({
  name: identifier,
  version: z.number().int().min(1),
  /** File name beside the index, e.g. "arrangeInLine.v1.ts". */
  file: z.string().regex(/^[\w$.-]+\.ts$/, 'must be a file name ending in .ts, beside the index (no directories)'),
  /** As the model sees it: "arrangeInLine(names: string[], start: string | Point, end: string | Point): void". */
  signature: z.string().min(1),
  /** The doc comment's first sentence. */
  description: z.string(),
  profile: z.enum(PROFILES),
  /** Other stored skills it calls; they are loaded with it. */
  requires: z.array(identifier).default([]),
  /** Of the normalised code, for de-duplication and to notice hand edits. */
  fingerprint: z.string(),
  provenance: Provenance,
  stats: SkillStats,
  /** No longer offered: it failed repeatedly when reused (a person may set it back to false). */
  retired: z.boolean().default(false),
});
export type SkillEntry = z.infer<typeof SkillEntry>;

export const SkillIndex = z
  .strictObject({
    format: z.literal(INDEX_FORMAT),
    skills: z.array(SkillEntry),
  })
  .superRefine((index, ctx) => {
    const seen = new Map<string, number>();
    index.skills.forEach((s, i) => {
      const key = `${s.name}@${s.version}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['skills', i], message: `${key} is listed twice (also at skills[${seen.get(key)}])` });
      seen.set(key, i);
    });
    const files = new Map<string, number>();
    index.skills.forEach((s, i) => {
      if (files.has(s.file)) ctx.addIssue({ code: 'custom', path: ['skills', i, 'file'], message: `${s.file} is also used by skills[${files.get(s.file)}]` });
      files.set(s.file, i);
    });
  });
export type SkillIndex = z.infer<typeof SkillIndex>;

export const emptyIndex = (): SkillIndex => ({ format: INDEX_FORMAT, skills: [] });

function issuePath(path: PropertyKey[], data: unknown): string {
  let out = '';
  let node: unknown = data;
  for (const p of path) {
    if (typeof p === 'number') {
      // Name the entry as people know it, not only by position.
      const entry = node as { name?: unknown; version?: unknown }[] | undefined;
      const item = Array.isArray(entry) ? entry[p] : undefined;
      const label = item && typeof item === 'object' && typeof item.name === 'string' ? ` (${item.name}${typeof item.version === 'number' ? ` v${item.version}` : ''})` : '';
      out += `[${p}]${label}`;
    } else out += out ? `.${String(p)}` : String(p);
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[p] : undefined;
  }
  return out || 'the top level';
}

/** Validates an index read from `where`; throws a WandError that names the entry and field at fault. */
export function parseIndex(text: string, where: string): SkillIndex {
  let data: unknown;
  try {
    data = parseJsonText(text, `the skills index ${where}`);
  } catch (err) {
    throw new WandError('usage', `${(err as Error).message}; fix it by hand or move it away — nothing was changed`);
  }
  const parsed = SkillIndex.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((i) => `${issuePath(i.path, data)}: ${i.message}`);
    const more = parsed.error.issues.length > 3 ? ` (and ${parsed.error.issues.length - 3} more)` : '';
    throw new WandError('usage', `the skills index ${where} is not valid: ${problems.join('; ')}${more}; fix it by hand or move it away — nothing was changed`);
  }
  return parsed.data;
}
