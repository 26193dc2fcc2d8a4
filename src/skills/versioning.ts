import { NEAR_DUPLICATE, fingerprint, similarity } from './normalize.ts';
import type { SkillEntry } from './schema.ts';

// What storing a piece of code would mean for the library: a new skill, a new version of one with the
// same name (never an overwrite), or nothing, because the library already holds it or something so close
// to it that a second copy would only crowd the prompt.

export type Decision =
  | { kind: 'new'; version: 1 }
  | { kind: 'version'; version: number; previous: SkillEntry }
  | { kind: 'duplicate'; of: SkillEntry; similarity: number };

export interface Candidate {
  name: string;
  code: string;
  profile: SkillEntry['profile'];
}

/**
 * `codeOf` reads a stored entry's code (null when its file is missing). Exact copies are caught against
 * every version, retired ones too; near-duplicates only against skills still offered, so a corrected
 * version of a retired skill can still be stored.
 */
export function decide(candidate: Candidate, entries: SkillEntry[], codeOf: (e: SkillEntry) => string | null): Decision {
  const print = fingerprint(candidate.code);
  const sameProfile = entries.filter((e) => e.profile === candidate.profile);
  const exact = sameProfile.find((e) => e.fingerprint === print);
  if (exact) return { kind: 'duplicate', of: exact, similarity: 1 };
  let best: { entry: SkillEntry; similarity: number } | undefined;
  for (const e of sameProfile) {
    if (e.retired) continue;
    const code = codeOf(e);
    if (code === null) continue;
    const s = similarity(candidate.code, code);
    if (s >= NEAR_DUPLICATE && (!best || s > best.similarity)) best = { entry: e, similarity: s };
  }
  if (best) return { kind: 'duplicate', of: best.entry, similarity: best.similarity };
  const versions = entries.filter((e) => e.name === candidate.name);
  if (!versions.length) return { kind: 'new', version: 1 };
  const previous = versions.reduce((a, b) => (b.version > a.version ? b : a));
  return { kind: 'version', version: previous.version + 1, previous };
}
