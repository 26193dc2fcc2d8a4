import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WandError } from '../core/errors.ts';
import { displayPath } from '../model/transcript.ts';
import { previewText } from '../core/preview.ts';
import { withFileLock } from './lock.ts';
import { fingerprint } from './normalize.ts';
import { DEFAULT_SKILLS_DIR } from './options.ts';
import { emptyIndex, parseIndex, type Provenance, type SkillEntry, type SkillIndex, type SkillProfile } from './schema.ts';
import { decide, type Decision } from './versioning.ts';

// The library on disk: index.json plus one .ts file per skill version, in .wand/skills/ unless told
// otherwise. Every change takes the index's lock and re-reads it first (another wand process may have
// written it), never touches an index that does not validate, and writes through a temporary file and a
// rename, so a crash leaves the old index or the new one, never half of one. Skill files are created,
// never overwritten.

export { DEFAULT_SKILLS_DIR };
const INDEX = 'index.json';

/**
 * Failures in a row after which a skill is no longer offered. One that has never yet succeeded when reused
 * is retired at its first failure: it has not earned another try.
 */
export const MAX_FAIL_STREAK = 2;

export interface NewSkill {
  name: string;
  /** Function declarations: the tool and the helpers it needs. */
  code: string;
  signature: string;
  description: string;
  profile: SkillProfile;
  requires: string[];
  provenance: Provenance;
}

export type AddResult = { stored: SkillEntry; decision: Exclude<Decision, { kind: 'duplicate' }> } | { stored: null; decision: Extract<Decision, { kind: 'duplicate' }> };

/** How one use of a skill went. */
export interface UseReport {
  name: string;
  version: number;
  /** success: part of the verified run; failure: a run failed where it called it, or was judged not done; used: neither. */
  result: 'success' | 'failure' | 'used';
  /** For a failure: what went wrong, in one line. */
  failure?: string;
}

export class SkillStore {
  readonly dir: string;

  constructor(dir: string = DEFAULT_SKILLS_DIR) {
    this.dir = resolve(dir);
  }

  get indexPath(): string {
    return join(this.dir, INDEX);
  }

  /** The directory as a person would type it. */
  get displayDir(): string {
    return displayPath(this.dir);
  }

  /** The index; an empty one when the library does not exist yet. Throws a WandError naming the problem when it is broken. */
  read(): SkillIndex {
    let text: string;
    try {
      text = readFileSync(this.indexPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyIndex();
      throw new WandError('usage', `cannot read the skills index ${this.indexPath}: ${(err as Error).message}`);
    }
    return parseIndex(text, join(this.displayDir, INDEX));
  }

  /**
   * Reads, changes and writes the index in one go, holding its lock, so another process's change in the
   * meantime is neither lost nor overwritten (the change sees the newest index on disk).
   */
  update<T>(change: (index: SkillIndex) => T): T {
    mkdirSync(this.dir, { recursive: true });
    return withFileLock(this.indexPath, () => {
      const index = this.read();
      const result = change(index);
      this.write(index);
      return result;
    });
  }

  private write(index: SkillIndex): void {
    mkdirSync(this.dir, { recursive: true });
    const tmp = join(this.dir, `.${INDEX}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
    writeFileSync(tmp, JSON.stringify(index, null, 2) + '\n');
    renameSync(tmp, this.indexPath);
  }

  /** The code of a stored version, or null when its file is gone. */
  code(entry: SkillEntry): string | null {
    try {
      return readFileSync(join(this.dir, entry.file), 'utf8');
    } catch {
      return null;
    }
  }

  filePath(entry: SkillEntry): string {
    return join(this.displayDir, entry.file);
  }

  /** Newest version of each skill for a profile that is still offered and whose file exists. */
  active(profile: SkillProfile, index: SkillIndex = this.read()): SkillEntry[] {
    const newest = new Map<string, SkillEntry>();
    for (const e of index.skills) {
      if (e.profile !== profile || e.retired || !existsSync(join(this.dir, e.file))) continue;
      const seen = newest.get(e.name);
      if (!seen || e.version > seen.version) newest.set(e.name, e);
    }
    return [...newest.values()];
  }

  /** What storing the code would do, without doing it. */
  decide(skill: Pick<NewSkill, 'name' | 'code' | 'profile'>, index: SkillIndex = this.read()): Decision {
    return decide(skill, index.skills, (e) => this.code(e));
  }

  /** Stores a skill as a new skill or a new version, unless the library already holds it (or nearly). */
  add(skill: NewSkill): AddResult {
    return this.update((index): AddResult => {
      const decision = this.decide(skill, index);
      if (decision.kind === 'duplicate') return { stored: null, decision };
      const file = this.createFile(skill, decision.version);
      const entry: SkillEntry = {
        name: skill.name,
        version: decision.version,
        file,
        signature: skill.signature,
        // Entries stay small whatever they were given: the code is bounded where it is checked.
        description: previewText(skill.description, 500),
        profile: skill.profile,
        requires: skill.requires,
        fingerprint: fingerprint(skill.code),
        provenance: { ...skill.provenance, instruction: previewText(skill.provenance.instruction, 2_000) },
        stats: { uses: 0, successes: 0, failures: 0, failStreak: 0 },
        retired: false,
      };
      index.skills.push(entry);
      return { stored: entry, decision };
    });
  }

  /** Writes the skill's file under a name no other file has, so nothing is ever overwritten. */
  private createFile(skill: NewSkill, version: number): string {
    mkdirSync(this.dir, { recursive: true });
    const header = [
      `// Skill ${skill.name}, version ${version} (${skill.profile}). Stored by Wand after a verified run of:`,
      `//   ${JSON.stringify(skill.provenance.instruction)}`,
      '// Wand reads this file whenever it offers the skill, so edits take effect. Keep it to function',
      '// declarations with a doc comment; the index entry is in index.json.',
      '',
    ].join('\n');
    for (let n = 0; ; n++) {
      const file = `${skill.name}.v${version}${n ? `-${n}` : ''}.ts`;
      try {
        writeFileSync(join(this.dir, file), `${header}\n${skill.code.trim()}\n`, { flag: 'wx' });
        return file;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
  }

  /** Removes every version of a skill (or one version), files included; returns what was removed. */
  remove(name: string, version?: number): SkillEntry[] {
    const removed = this.update((index) => {
      const gone = index.skills.filter((e) => e.name === name && (version === undefined || e.version === version));
      index.skills = index.skills.filter((e) => !gone.includes(e));
      return gone;
    });
    for (const e of removed) rmSync(join(this.dir, e.file), { force: true });
    return removed;
  }

  /** Updates the counters after an instruction; a skill that keeps failing is retired. */
  recordUses(reports: UseReport[], now = new Date()): SkillEntry[] {
    if (!reports.length) return [];
    return this.update((index) => {
      const touched: SkillEntry[] = [];
      for (const r of reports) {
        const e = index.skills.find((s) => s.name === r.name && s.version === r.version);
        if (!e) continue; // removed meanwhile
        e.stats.uses++;
        e.stats.lastUsed = now.toISOString();
        if (r.result === 'success') {
          e.stats.successes++;
          e.stats.failStreak = 0;
        } else if (r.result === 'failure') {
          e.stats.failures++;
          e.stats.failStreak++;
          if (r.failure) e.stats.lastFailure = r.failure.slice(0, 300);
          if (e.stats.failStreak >= MAX_FAIL_STREAK || e.stats.successes === 0) e.retired = true;
        }
        touched.push(e);
      }
      return touched;
    });
  }

  /** Brings an entry in line with its file after a person edited it. */
  refresh(name: string, version: number, fields: Pick<SkillEntry, 'signature' | 'description' | 'fingerprint'>): void {
    this.update((index) => {
      const e = index.skills.find((s) => s.name === name && s.version === version);
      if (e) Object.assign(e, fields);
    });
  }
}

/** "name" or "name@3", as typed on the command line. */
export function parseSkillRef(ref: string): { name: string; version?: number } {
  const m = /^([A-Za-z_$][\w$]*)(?:@(\d+))?$/.exec(ref);
  if (!m) throw new WandError('usage', `"${ref}" is not a skill name (NAME or NAME@VERSION)`);
  return { name: m[1]!, ...(m[2] ? { version: Number(m[2]) } : {}) };
}
