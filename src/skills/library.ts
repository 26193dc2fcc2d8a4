import type { StateSnapshot } from '../../primitives/backend.ts';
import type { Primitive } from '../../primitives/define.ts';
import { generateDts } from '../../primitives/dts.ts';
import { ProgramChecker } from '../check/index.ts';
import { WandError } from '../core/errors.ts';
import type { AskOutcome } from '../model/loop.ts';
import { transpile } from '../sandbox/transpile.ts';
import { checkSkillCode, declarationsFor, skillCodeProblem } from './checker.ts';
import type { Embedder } from './embed.ts';
import { declaredNames, functionTexts, wholeDoc } from './extract.ts';
import { fingerprint } from './normalize.ts';
import { promote, type Rejected, type Stored } from './promote.ts';
import type { Rehearse } from './rehearse.ts';
import { retrieve } from './retrieve.ts';
import type { SkillEntry, SkillProfile } from './schema.ts';
import { SkillStore, type UseReport } from './store.ts';
import { usageReports } from './usage.ts';

// Skills around one instruction, for `wand ask` and the benchmarks: before it, choose the stored skills
// that fit and make them callable (prompt line, checker declaration, sandbox prelude); after it, account
// for the skills used and put the tools the model wrote through the promotion gate. A broken library
// never stops an instruction: the problem is reported and the instruction runs without skills.

export interface SkillsConfig {
  dir?: string;
  profile: SkillProfile;
  primitives: Primitive<any>[];
  /** Skills offered per instruction (default 3). */
  k?: number;
  embedder?: Embedder | null;
}

export interface Offer {
  /** Shown to the model (signature and doc line) and callable. */
  skills: SkillEntry[];
  /** Callable: the offered skills and the stored skills they call. */
  loaded: SkillEntry[];
  /** For PromptWorld.extraApi. */
  extraApi?: string;
  /** For AskDeps.prelude: the loaded skills' code as JavaScript. */
  prelude?: string;
  /** Checks programs against the API and the offered skills. */
  checker: ProgramChecker;
  method: 'lexical' | 'lexical+embeddings';
  warnings: string[];
}

export interface Learned {
  used: UseReport[];
  /** Skills retired by this instruction's failures. */
  retired: string[];
  stored: Stored[];
  rejected: Rejected[];
  warnings: string[];
}

export const SKILLS_HEADER = 'Stored skills, written and verified earlier (already defined; call them like the API):';

/** A skill as it is offered: its whole doc comment, then its full signature with parameter types. */
export function offeredDeclaration(doc: string, signature: string): string {
  if (!doc) return signature;
  const lines = doc.split('\n');
  return lines.length === 1 ? `/** ${doc} */\n${signature}` : `/**\n${lines.map((l) => ` * ${l}`.trimEnd()).join('\n')}\n */\n${signature}`;
}

export class SkillLibrary {
  readonly store: SkillStore;
  private readonly apiDts: string;
  private readonly base: ProgramChecker;

  constructor(private readonly config: SkillsConfig) {
    this.store = new SkillStore(config.dir);
    this.apiDts = generateDts(config.primitives);
    this.base = new ProgramChecker(this.apiDts);
  }

  get profile(): SkillProfile {
    return this.config.profile;
  }

  /** The stored skills to offer for an instruction, ready for the loop. */
  async offer(instruction: string, signal?: AbortSignal): Promise<Offer> {
    const warnings: string[] = [];
    const none = (method: Offer['method'] = 'lexical'): Offer => ({ skills: [], loaded: [], checker: this.base, method, warnings });
    let active: SkillEntry[];
    try {
      active = this.store.active(this.profile);
    } catch (err) {
      warnings.push(`${err instanceof WandError ? err.message : String(err)} (skills are off for this instruction)`);
      return none();
    }
    const found = await retrieve(instruction, active, { k: this.config.k, embedder: this.config.embedder, cacheDir: this.store.dir, signal });
    if (found.warning) warnings.push(found.warning);

    const byName = new Map(active.map((e) => [e.name, e]));
    const skills: SkillEntry[] = [];
    const loaded: SkillEntry[] = [];
    const codes = new Map<SkillEntry, string>();
    const declared = new Map<string, { text: string; by: string }>();
    // Loads a skill and what it requires; false (and a warning) when it cannot be used as it is.
    const load = async (entry: SkillEntry, path: string[] = []): Promise<boolean> => {
      if (loaded.includes(entry)) return true;
      if (path.includes(entry.name)) return true; // mutual requirement: already on its way in
      const current = await this.current(entry, active, warnings);
      if (!current) return false;
      for (const dep of current.requires) {
        const d = byName.get(dep);
        if (!d || !(await load(d, [...path, entry.name]))) {
          warnings.push(`${label(entry)} needs ${dep}, which is not available; not offered`);
          return false;
        }
      }
      // Two skills may share a helper, but not a name with different code: the later one would win.
      const texts = functionTexts(current.code);
      for (const [name, text] of texts) {
        const other = declared.get(name);
        if (other && other.text !== text) {
          warnings.push(`${label(entry)} defines ${name}() differently from ${other.by}; not offered alongside it`);
          return false;
        }
      }
      for (const [name, text] of texts) declared.set(name, { text, by: label(entry) });
      const entryNow = current.entry;
      loaded.push(entryNow);
      codes.set(entryNow, current.code);
      return true;
    };
    for (const e of found.skills) {
      const before = loaded.length;
      const names = new Map(declared);
      if (await load(e)) skills.push(loaded.find((l) => l.name === e.name) ?? e);
      else {
        // Undo what the failed attempt loaded on the way.
        for (const gone of loaded.splice(before)) codes.delete(gone);
        declared.clear();
        for (const [k, v] of names) declared.set(k, v);
      }
    }
    if (!skills.length) return { ...none(found.method), method: found.method };

    let prelude: string;
    try {
      // Dependencies first (they were pushed first), each skill as the JavaScript the sandbox runs.
      prelude = loaded.map((e) => `// ${label(e)}\n${transpile(codes.get(e)!)}`).join('\n');
    } catch (err) {
      warnings.push(`a stored skill does not compile (${(err as Error).message}); skills are off for this instruction`);
      return none(found.method);
    }
    const extraApi = [SKILLS_HEADER, ...skills.map((s) => offeredDeclaration(wholeDoc(codes.get(s) ?? '', s.name) || s.description, s.signature))].join('\n');
    return {
      skills,
      loaded,
      extraApi,
      prelude,
      checker: new ProgramChecker(this.apiDts, declarationsFor(skills)),
      method: found.method,
      warnings,
    };
  }

  /**
   * A skill as its file is now. A file a person edited is checked again and its entry brought up to
   * date; one that no longer checks, or is gone, is not offered. `active` is the library as offer() read it.
   */
  private async current(entry: SkillEntry, active: SkillEntry[], warnings: string[]): Promise<{ entry: SkillEntry; code: string; requires: string[] } | null> {
    const code = this.store.code(entry);
    if (code === null) {
      warnings.push(`${label(entry)}: its file ${this.store.filePath(entry)} is missing; not offered`);
      return null;
    }
    // Checked on every load, not only after an edit: an index written by an older Wand may hold anything.
    const problem = skillCodeProblem(code, () => declaredNames(code));
    if (problem) {
      warnings.push(`${label(entry)}: ${problem}; not offered`);
      return null;
    }
    const print = fingerprint(code);
    if (print === entry.fingerprint) return { entry, code, requires: entry.requires };
    if (!declaredNames(code).includes(entry.name)) {
      warnings.push(`${label(entry)}: ${this.store.filePath(entry)} no longer declares ${entry.name}(); not offered`);
      return null;
    }
    const deps = active.filter((e) => entry.requires.includes(e.name));
    const check = await checkSkillCode(this.base, code, declarationsFor(deps));
    if (!check.ok) {
      warnings.push(`${label(entry)}: ${this.store.filePath(entry)} was edited and no longer checks (${check.problems[0]}); not offered`);
      return null;
    }
    const fields = { signature: check.signatures.get(entry.name)!, description: check.descriptions.get(entry.name) || entry.description, fingerprint: print };
    try {
      this.store.refresh(entry.name, entry.version, fields);
    } catch {
      // the index went bad meanwhile: use the file as it is now, the index is left alone
    }
    return { entry: { ...entry, ...fields }, code, requires: entry.requires };
  }

  /** After the instruction: counters for the skills it used, and the gate for the tools it wrote. */
  async learn(
    instruction: string,
    outcome: AskOutcome,
    offer: Offer,
    ctx: { rehearse?: Rehearse; session?: string; signal?: AbortSignal; initial?: StateSnapshot } = {},
  ): Promise<Learned> {
    const learned: Learned = { used: [], retired: [], stored: [], rejected: [], warnings: [] };
    try {
      learned.used = usageReports(outcome, offer.skills);
      const touched = this.store.recordUses(learned.used);
      learned.retired = touched.filter((e) => e.retired && learned.used.some((u) => u.name === e.name && u.result === 'failure')).map((e) => `${e.name} v${e.version}`);
      const promoted = await promote({
        instruction,
        outcome,
        store: this.store,
        checker: this.base,
        profile: this.profile,
        loaded: offer.loaded,
        prelude: offer.prelude,
        rehearse: ctx.rehearse,
        session: ctx.session,
        signal: ctx.signal,
      });
      learned.stored = promoted.stored;
      learned.rejected = promoted.rejected;
    } catch (err) {
      learned.warnings.push(`the skills library was not updated: ${err instanceof Error ? err.message : String(err)}`);
    }
    return learned;
  }
}

export const label = (e: Pick<SkillEntry, 'name' | 'version'>) => `${e.name} v${e.version}`;

/** Lines for the progress report. */
export function offerText(offer: Offer): string[] {
  const lines = offer.warnings.map((w) => `Skills: ${w}`);
  if (offer.skills.length) lines.push(`Skills offered: ${offer.skills.map(label).join(', ')}`);
  return lines;
}

export function learnedText(learned: Learned, store: SkillStore): string[] {
  const lines: string[] = [];
  for (const u of learned.used) lines.push(`Skill ${label(u)} used: ${u.result}${u.failure ? ` (${u.failure})` : ''}`);
  for (const r of learned.retired) lines.push(`Skill ${r} failed repeatedly and is no longer offered`);
  for (const s of learned.stored) lines.push(`Skill stored: ${s.name} v${s.version}${s.kind === 'version' ? ' (new version)' : ''} in ${store.displayDir}/${s.file}`);
  for (const r of learned.rejected) lines.push(`Skill not stored: ${r.name}: ${r.reason}`);
  for (const w of learned.warnings) lines.push(`Skills: ${w}`);
  return lines;
}
