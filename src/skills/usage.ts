import type { AskOutcome, RoundRecord } from '../model/loop.ts';
import { callLines, freeCalls } from './extract.ts';
import type { SkillEntry } from './schema.ts';
import type { UseReport } from './store.ts';

// How the offered skills fared in one instruction. A skill counts as used when a program that ran called
// it (and got that far); as a success when it was part of the run that was verified done; as a failure when a run that
// called it failed on the line calling it (errors inside a skill are reported at its call site) or was
// judged not done. A failure elsewhere in the program is not the skill's.

/** Errors that say nothing about the program: the person stopped it, or the link went down. */
const NOT_THE_PROGRAM = new Set(['aborted', 'connection']);

/**
 * Did the skill run in this round? The program names it, and a primitive call (or the error) happened on a
 * line calling it: a skill's own primitive calls are recorded at its call site.
 */
function ran(round: RoundRecord, name: string): boolean {
  if (round.result === null || round.program === null || !freeCalls(round.program).has(name)) return false;
  const lines = callLines(round.program, [name]).get(name);
  if (!lines) return true; // passed by name (names.forEach(skill)): assume it ran
  const { calls, error } = round.result;
  return calls.some((c) => c.line !== undefined && lines.has(c.line)) || (error?.line !== undefined && lines.has(error.line));
}

/** Why the round counts against the skill, or null when it does not. */
function blame(round: RoundRecord, name: string): string | null {
  const result = round.result!;
  if (result.ok) return round.verdict && !round.verdict.done ? `judged not done: ${round.verdict.critique}` : null;
  const error = result.error;
  if (!error || NOT_THE_PROGRAM.has(error.kind)) return null;
  if (error.line !== undefined && !callLines(round.program!, [name]).get(name)?.has(error.line)) return null;
  return `${error.kind}: ${error.message}`;
}

export function usageReports(outcome: AskOutcome, offered: SkillEntry[]): UseReport[] {
  const final = outcome.rounds.at(-1);
  const verified = outcome.ok && final?.verdict?.done === true;
  const out: UseReport[] = [];
  for (const skill of offered) {
    const rounds = outcome.rounds.filter((r) => ran(r, skill.name));
    if (!rounds.length) continue;
    const base = { name: skill.name, version: skill.version };
    if (verified && rounds.includes(final!)) {
      out.push({ ...base, result: 'success' });
      continue;
    }
    const why = rounds.map((r) => blame(r, skill.name)).find((b) => b !== null);
    if (why) out.push({ ...base, result: 'failure', failure: why });
    else out.push({ ...base, result: 'used' });
  }
  return out;
}
