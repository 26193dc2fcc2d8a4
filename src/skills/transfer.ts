import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { generateDts, primitivesFor } from '../../primitives/index.ts';
import { ProgramChecker } from '../check/index.ts';
import { WandError } from '../core/errors.ts';
import { parseJsonText } from '../core/json.ts';
import { checkSkillCode, declarationsFor, skillCodeProblem } from './checker.ts';
import { freeCalls, declaredNames } from './extract.ts';
import { SkillEntry, type SkillProfile } from './schema.ts';
import type { SkillStore } from './store.ts';

// Moving skills between libraries: `wand skills export FILE` writes one JSON file holding every version
// with its code; `wand skills import FILE` adds them through the same checks and versioning as a newly
// written tool, so an import never overwrites a skill, never stores a duplicate, and never brings in
// code that does not type-check against this Wand's primitives.

export const EXPORT_FORMAT = 'wand-skills-export/1';
/** Skills are at most MAX_SKILL_CHARS each; an export far bigger than any library is refused unread. */
const MAX_EXPORT_BYTES = 64 * 2 ** 20;

const Exported = SkillEntry.omit({ file: true, fingerprint: true }).extend({ code: z.string().min(1) });
const ExportFile = z.strictObject({ format: z.literal(EXPORT_FORMAT), exported: z.string(), skills: z.array(Exported) });
type Exported = z.infer<typeof Exported>;

export function exportSkills(store: SkillStore, file: string): { count: number; text: string } {
  const index = store.read();
  const skills: Exported[] = [];
  for (const e of index.skills) {
    const code = store.code(e);
    if (code === null) continue; // nothing to export without its code
    const { file: _file, fingerprint: _fp, ...rest } = e;
    skills.push({ ...rest, code });
  }
  const text = JSON.stringify({ format: EXPORT_FORMAT, exported: new Date().toISOString(), skills }, null, 2) + '\n';
  if (file !== '-') writeFileSync(file, text);
  return { count: skills.length, text };
}

const checkers = new Map<SkillProfile, ProgramChecker>();
const checkerFor = (profile: SkillProfile) => {
  if (!checkers.has(profile)) checkers.set(profile, new ProgramChecker(generateDts(primitivesFor(profile))));
  return checkers.get(profile)!;
};

export interface ImportReport {
  imported: { name: string; version: number; from: number }[];
  skipped: { name: string; version: number; reason: string }[];
}

export async function importSkills(store: SkillStore, file: string, now = new Date()): Promise<ImportReport> {
  let text: string;
  try {
    if (statSync(file).size > MAX_EXPORT_BYTES) throw new Error(`it is larger than ${MAX_EXPORT_BYTES / 2 ** 20} MiB`);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new WandError('usage', `cannot read ${file}: ${(err as Error).message}`);
  }
  const data = parseJsonText(text, file);
  const parsed = ExportFile.safeParse(data);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new WandError('usage', `${file} is not a wand skills export: ${i.path.join('.') || 'the top level'}: ${i.message}`);
  }
  const report: ImportReport = { imported: [], skipped: [] };
  // Oldest first, so versions keep their order in this library.
  const skills = [...parsed.data.skills].sort((a, b) => a.name.localeCompare(b.name) || a.version - b.version);
  for (const s of skills) {
    const skip = (reason: string) => report.skipped.push({ name: s.name, version: s.version, reason });
    const problem = skillCodeProblem(s.code, () => declaredNames(s.code));
    if (problem) {
      skip(problem);
      continue;
    }
    if (!declaredNames(s.code).includes(s.name)) {
      skip(`its code does not declare ${s.name}()`);
      continue;
    }
    const profile: SkillProfile = s.profile;
    const code = s.code.replace(/^(\/\/[^\n]*\n)+\n?/, ''); // the old file header; a new one is written
    // Duplicates are found before the (slower) type check.
    const decision = store.decide({ name: s.name, code, profile });
    if (decision.kind === 'duplicate') {
      skip(`the library already has it as ${decision.of.name} v${decision.of.version}`);
      continue;
    }
    const library = store.active(profile);
    // What it may call: the library's skills, or else the export's own.
    const known = new Map<string, { name: string; signature: string; description: string }>();
    for (const o of skills) if (o.profile === profile) known.set(o.name, o);
    for (const e of library) known.set(e.name, e);
    const own = new Set(declaredNames(s.code));
    const requires = [...freeCalls(s.code)].filter((n) => known.has(n) && !own.has(n));
    const check = await checkSkillCode(checkerFor(profile), s.code, declarationsFor(requires.map((n) => known.get(n)!)));
    if (!check.ok) {
      skip(`it does not type-check against the ${profile} primitives: ${check.problems[0]}`);
      continue;
    }
    const added = store.add({
      name: s.name,
      code,
      signature: check.signatures.get(s.name)!,
      description: check.descriptions.get(s.name) || s.description,
      profile,
      requires,
      provenance: { ...s.provenance, importedFrom: file, date: s.provenance.date ?? now.toISOString() },
    });
    if (added.stored) report.imported.push({ name: s.name, version: added.stored.version, from: s.version });
    else skip(`the library already has it as ${added.decision.of.name} v${added.decision.of.version}`);
  }
  return report;
}
