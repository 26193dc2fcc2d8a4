import { SkillStore, DEFAULT_SKILLS_DIR, MAX_FAIL_STREAK, parseSkillRef } from '../skills/store.ts';
import type { SkillEntry } from '../skills/schema.ts';
import { exportSkills, importSkills } from '../skills/transfer.ts';
import { UsageError, parseCommandLine } from './usage.ts';

const USAGE = `Usage: wand skills <command> [--skills DIR]

The tools Wand's model wrote, proved in a verified run and a simulator rehearsal, and keeps for reuse.
Each version is a .ts file you can read and edit; index.json holds the signature, description, profile,
provenance and use counts.

  list                  every stored version, newest first, with its use counts
  show NAME[@VERSION]   one skill's entry and code (the newest version unless given)
  rm NAME[@VERSION]     remove a skill (every version unless given), files included
  export FILE           write every version with its code to one JSON file ("-" for standard output)
  import FILE           add the skills of an export, checked and versioned like new ones

  --skills DIR          the library (default ${DEFAULT_SKILLS_DIR})
  --json                list and show print JSON

A skill that fails ${MAX_FAIL_STREAK} times in a row when reused is retired (no longer offered); set
"retired": false in index.json to offer it again.`;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, { skills: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
  const [command, ...args] = positionals;
  const store = new SkillStore((values.skills as string | undefined) ?? DEFAULT_SKILLS_DIR);
  const json = Boolean(values.json);
  const out = (text: string) => process.stdout.write(text + '\n');
  const one = (what: string) => {
    if (args.length !== 1) throw new UsageError(`wand skills ${command} takes one ${what}\n\n${USAGE}`);
    return args[0]!;
  };

  switch (command) {
    case 'list': {
      if (args.length) throw new UsageError(`wand skills list takes no arguments\n\n${USAGE}`);
      const index = store.read();
      const skills = [...index.skills].sort((a, b) => a.name.localeCompare(b.name) || b.version - a.version);
      if (json) return out(JSON.stringify(skills, null, 2)), 0;
      if (!skills.length) return out(`No skills in ${store.displayDir} yet.`), 0;
      const names = new Set(skills.map((s) => s.name));
      out(`${names.size} skill${names.size === 1 ? '' : 's'}, ${skills.length} version${skills.length === 1 ? '' : 's'} in ${store.displayDir}:`);
      for (const s of skills) {
        const newest = !skills.some((o) => o.name === s.name && o.version > s.version);
        out(`  ${s.name} v${s.version}  ${s.profile}  ${statsText(s)}${s.retired ? '  RETIRED' : newest ? '' : '  (older version)'}${store.code(s) === null ? '  FILE MISSING' : ''}`);
        out(`      ${s.signature}`);
        if (s.description) out(`      ${s.description}`);
      }
      return 0;
    }
    case 'show': {
      const ref = parseSkillRef(one('skill name'));
      const entry = find(store.read().skills, ref);
      const code = store.code(entry);
      if (json) return out(JSON.stringify({ ...entry, code }, null, 2)), 0;
      out(`${entry.name} v${entry.version} (${entry.profile})${entry.retired ? ' — RETIRED: no longer offered' : ''}`);
      out(`  signature:   ${entry.signature}`);
      out(`  description: ${entry.description}`);
      if (entry.requires.length) out(`  requires:    ${entry.requires.join(', ')}`);
      out(`  from:        ${JSON.stringify(entry.provenance.instruction)} on ${entry.provenance.date}${entry.provenance.session ? ` (${entry.provenance.session})` : ''}`);
      if (entry.provenance.importedFrom) out(`  imported:    from ${entry.provenance.importedFrom}`);
      out(`  use:         ${statsText(entry)}${entry.stats.lastFailure ? `; last failure: ${entry.stats.lastFailure}` : ''}`);
      out(`  file:        ${store.filePath(entry)}`);
      out('');
      out(code === null ? '(the file is missing)' : code.trimEnd());
      return 0;
    }
    case 'rm': {
      const ref = parseSkillRef(one('skill name'));
      find(store.read().skills, ref); // a clear error when there is nothing to remove
      const removed = store.remove(ref.name, ref.version);
      out(`Removed ${removed.map((e) => `${e.name} v${e.version}`).join(', ')}.`);
      return 0;
    }
    case 'export': {
      const file = one('file');
      const { count, text } = exportSkills(store, file);
      if (file === '-') process.stdout.write(text);
      else out(`Exported ${count} skill version${count === 1 ? '' : 's'} to ${file}.`);
      return 0;
    }
    case 'import': {
      const file = one('file');
      const report = await importSkills(store, file);
      for (const i of report.imported) out(`Imported ${i.name} v${i.from} as ${i.name} v${i.version}.`);
      for (const s of report.skipped) out(`Skipped ${s.name} v${s.version}: ${s.reason}.`);
      out(`${report.imported.length} imported, ${report.skipped.length} skipped, into ${store.displayDir}.`);
      return 0;
    }
    case undefined:
      throw new UsageError(`expected a command: list, show, rm, export or import\n\n${USAGE}`);
    default:
      throw new UsageError(`unknown skills command "${command}"\n\n${USAGE}`);
  }
}

function statsText(s: SkillEntry): string {
  const { uses, successes, failures } = s.stats;
  return `used ${uses}, succeeded ${successes}, failed ${failures}`;
}

function find(skills: SkillEntry[], ref: { name: string; version?: number }): SkillEntry {
  const versions = skills.filter((s) => s.name === ref.name);
  if (!versions.length) {
    const names = [...new Set(skills.map((s) => s.name))];
    throw new UsageError(`there is no skill named ${ref.name}${names.length ? `; stored: ${names.join(', ')}` : ''}`);
  }
  if (ref.version === undefined) return versions.reduce((a, b) => (b.version > a.version ? b : a));
  const entry = versions.find((s) => s.version === ref.version);
  if (!entry) throw new UsageError(`${ref.name} has no version ${ref.version}; stored: ${versions.map((v) => `v${v.version}`).join(', ')}`);
  return entry;
}
