import type { ProgramChecker } from '../check/index.ts';
import type { AskOutcome } from '../model/loop.ts';
import { errorText } from '../model/prompt.ts';
import { checkSkillCode, declarationsFor, skillCodeProblem } from './checker.ts';
import { findTools, freeCalls, type ToolDefinition } from './extract.ts';
import type { Rehearse } from './rehearse.ts';
import type { Provenance, SkillEntry, SkillProfile } from './schema.ts';
import type { SkillStore } from './store.ts';
import type { Decision } from './versioning.ts';

// The promotion gate. A tool the model defined is stored only when all of these hold:
//   1. it was part of a verified success: the round that ended the instruction defined it, ran without
//      error, and the benchmark's predicate, or the verifier with Wand's measured facts (citing the facts
//      it used), said the task was done;
//   2. it type-checks on its own against the primitive API (plus the stored skills it calls), so it does
//      not lean on the program's variables;
//   3. the library does not already hold it or something nearly the same;
//   4. its program succeeds again in a simulator rehearsal from the world as it was at the start.

export interface Stored {
  name: string;
  version: number;
  file: string;
  /** 'new' skill, or a new 'version' of one with the same name. */
  kind: 'new' | 'version';
}

export interface Rejected {
  name: string;
  reason: string;
}

export interface PromoteInput {
  instruction: string;
  outcome: AskOutcome;
  store: SkillStore;
  /** Checks the tool on its own against the API (in the checker thread). */
  checker: ProgramChecker;
  profile: SkillProfile;
  /** Stored skills the program could call (those loaded in its prelude), and the prelude itself. */
  loaded: SkillEntry[];
  prelude?: string;
  rehearse?: Rehearse;
  /** Transcript of the session, for provenance. */
  session?: string;
  signal?: AbortSignal;
  now?: Date;
}

export async function promote(input: PromoteInput): Promise<{ stored: Stored[]; rejected: Rejected[] }> {
  const { outcome, store } = input;
  const rejected: Rejected[] = [];
  const final = outcome.rounds.at(-1);
  const toolsOf = (program: string | null | undefined) => (program ? findTools(program) : []);

  // 1. Part of a verified success.
  if (!outcome.ok || !final?.program) {
    const names = new Set(outcome.rounds.flatMap((r) => toolsOf(r.program).map((t) => t.name)));
    return { stored: [], rejected: [...names].map((name) => ({ name, reason: 'the task was not done, so nothing it defined is kept' })) };
  }
  const tools = toolsOf(final.program);
  if (!tools.length) return { stored: [], rejected };
  if (final.verdict?.done !== true) {
    return { stored: [], rejected: tools.map((t) => ({ name: t.name, reason: 'the run was not verified (no verifier or predicate said the task was done)' })) };
  }
  // A verdict that cites no measured fact may be the verifier trusting the run: not enough to keep a tool.
  if (final.verdict.by !== 'predicate' && !final.verdict.facts) {
    return { stored: [], rejected: tools.map((t) => ({ name: t.name, reason: "the verifier's verdict cited none of Wand's measured facts" })) };
  }

  // 2. On its own, and 3. not already in the library.
  const index = store.read();
  const library = new Map<string, SkillEntry>();
  for (const e of [...store.active(input.profile, index), ...input.loaded]) library.set(e.name, e);
  const candidates: { tool: ToolDefinition; signature: string; requires: string[] }[] = [];
  // Parameters the code leaves untyped take the types of the arguments the verified program passed.
  const usage = { program: final.program, declarations: declarationsFor(input.loaded) };
  for (const tool of tools) {
    const problem = skillCodeProblem(tool.bundle, () => [tool.name, ...tool.helpers]);
    if (problem) {
      rejected.push({ name: tool.name, reason: problem });
      continue;
    }
    const own = new Set([tool.name, ...tool.helpers]);
    const requires = [...freeCalls(tool.bundle)].filter((n) => library.has(n) && !own.has(n));
    const check = await checkSkillCode(input.checker, tool.bundle, declarationsFor(requires.map((n) => library.get(n)!)), usage);
    if (!check.ok) {
      rejected.push({ name: tool.name, reason: `it does not type-check on its own: ${check.problems[0]}` });
      continue;
    }
    const decision = store.decide({ name: tool.name, code: tool.bundle, profile: input.profile }, index);
    if (decision.kind === 'duplicate') {
      rejected.push({ name: tool.name, reason: duplicateReason(decision) });
      continue;
    }
    candidates.push({ tool, signature: check.signatures.get(tool.name)!, requires });
  }
  if (!candidates.length) return { stored: [], rejected };

  // 4. The rehearsal, once for all the round's tools: they were verified together.
  const rehearsal = input.rehearse ? await input.rehearse(final.program, input.prelude, input.signal) : null;
  if (!rehearsal?.ok) {
    const reason = rehearsal
      ? `its program failed when rehearsed in the simulator from the initial world: ${errorText(rehearsal)}`
      : 'no simulator was available to rehearse it';
    return { stored: [], rejected: [...rejected, ...candidates.map((c) => ({ name: c.tool.name, reason }))] };
  }

  const provenance: Provenance = {
    instruction: input.instruction,
    ...(input.session ? { session: input.session } : {}),
    date: (input.now ?? new Date()).toISOString(),
  };
  const stored: Stored[] = [];
  for (const c of candidates) {
    const added = store.add({
      name: c.tool.name,
      code: c.tool.bundle,
      signature: c.signature,
      description: c.tool.description,
      profile: input.profile,
      requires: c.requires,
      provenance,
    });
    if (added.stored) stored.push({ name: added.stored.name, version: added.stored.version, file: added.stored.file, kind: added.decision.kind });
    else rejected.push({ name: c.tool.name, reason: duplicateReason(added.decision) });
  }
  return { stored, rejected };
}

function duplicateReason(d: Extract<Decision, { kind: 'duplicate' }>): string {
  const how = d.similarity === 1 ? 'the same as' : `nearly the same as (${Math.round(d.similarity * 100)}% alike)`;
  return `it is ${how} ${d.of.name} v${d.of.version}, already stored`;
}
