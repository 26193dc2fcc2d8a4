import type { StateSnapshot } from '../../primitives/backend.ts';
import { throwIfAborted, type ErrorInfo } from '../core/errors.ts';
import type { ChatMessage } from '../model/chat.ts';
import type { Draft } from '../model/draft.ts';
import { fenced, stripThinking } from '../model/extract.ts';
import { movedText, observationText } from '../model/observation.ts';
import { callsText, errorText } from '../model/prompt.ts';
import type { Verdict } from '../model/verify.ts';
import { render } from '../prompts/index.ts';
import type { RunResult } from '../run/result.ts';
import type { CandidateSimulator } from './pool.ts';

// Selection by simulation: K candidate programs are drafted from the same conversation, each is tried on
// its own copy of the world (in parallel worker threads), and the first that succeeds (fewest primitive
// calls among the successes) is the one the real target runs. When none succeeds, what each did goes
// back to the model together, and nothing on the real target has moved.

/** What became of one candidate. */
export type CandidateOutcome =
  | 'no_program' // the reply held no program
  | 'check' // failed the checks, not run
  | 'failed' // ran in simulation and failed (see error)
  | 'not_done' // ran cleanly; the verifier or predicate said not done
  | 'done' // ran cleanly and was judged done (or verification is off)
  | 'unjudged' // ran cleanly; not judged because an earlier candidate already succeeded
  | 'duplicate'; // the same program as an earlier candidate

export interface CandidateSummary {
  outcome: CandidateOutcome;
  program: string | null;
  /** Primitive calls made in simulation. */
  calls?: number;
  error?: ErrorInfo;
  critique?: string;
  /** Wall time of its simulation, ms. */
  simMs?: number;
  duplicateOf?: number;
}

/** The `candidates` field of a round in `wand ask --json` (rounds with --samples K > 1). */
export interface CandidatesRecord {
  /** Programs asked of the model (K). */
  sampled: number;
  /** Distinct programs run in simulation. */
  tried: number;
  /** Candidates judged done in simulation. */
  succeeded: number;
  /** Index into `each` of the program run on the target, or null when none succeeded. */
  chosen: number | null;
  each: CandidateSummary[];
}

export interface SampleContext {
  samples: number;
  /** The conversation so far; each candidate is drafted on its own copy of it. */
  messages: ChatMessage[];
  /** Drafts one program (model request, helpers, checks) on the given conversation copy. */
  draft(messages: ChatMessage[], helpers: Map<string, string>): Promise<Draft>;
  helpers: ReadonlyMap<string, string>;
  simulator: CandidateSimulator;
  /** The target's state now: what every copy starts from. */
  before: StateSnapshot;
  prelude?: string;
  signal?: AbortSignal;
  /** Judge a clean run of a program: the verifier (a model request) or a benchmark predicate. */
  judge(result: RunResult, program: string): Promise<Verdict>;
  /** A cheap judge (a predicate) judges every clean candidate; a costly one only until one is done. */
  cheapJudge: boolean;
  /** False: a clean run counts as success (--no-verify). */
  verify: boolean;
}

export interface Chosen {
  index: number;
  draft: Draft & { program: string };
  /** The conversation copy the winner was drafted on (its reply and helper exchanges appended). */
  messages: ChatMessage[];
  /** Helpers known after drafting it (the session's plus the ones it had written). */
  helpers: Map<string, string>;
  /** Its run on the copy, and the verdict there (none with --no-verify). */
  sim: RunResult;
  verdict?: Verdict;
}

export interface SampledRound {
  record: CandidatesRecord;
  drafts: Draft[];
  chosen: Chosen | null;
  /** When none succeeded: the messages that tell the model what each candidate did. */
  feedback: ChatMessage[];
  /** One line for the round's summary. */
  line: string;
}

export async function sampleAndSelect(ctx: SampleContext): Promise<SampledRound> {
  const k = Math.max(1, Math.floor(ctx.samples));
  const copies = Array.from({ length: k }, () => ({ messages: [...ctx.messages], helpers: new Map(ctx.helpers) }));
  const drafts = await Promise.all(copies.map((c) => ctx.draft(c.messages, c.helpers)));

  const each: CandidateSummary[] = drafts.map((d) => ({
    outcome: d.program === null ? 'no_program' : d.check.ok ? 'unjudged' : 'check',
    program: d.program,
  }));
  // Identical programs are run once.
  const runnable: number[] = [];
  drafts.forEach((d, i) => {
    if (each[i]!.outcome !== 'unjudged') return;
    const first = runnable.find((j) => drafts[j]!.program!.trim() === d.program!.trim());
    if (first === undefined) runnable.push(i);
    else Object.assign(each[i]!, { outcome: 'duplicate', duplicateOf: first });
  });

  const runs = runnable.length
    ? await ctx.simulator.simulate(runnable.map((i) => drafts[i]!.program!), ctx.before, { prelude: ctx.prelude, signal: ctx.signal })
    : [];
  const results = new Map<number, RunResult>();
  runnable.forEach((i, n) => {
    const run = runs[n]!;
    const c = each[i]!;
    c.simMs = run.wallMs;
    if (!run.result) {
      Object.assign(c, { outcome: 'failed', error: run.error });
      return;
    }
    results.set(i, run.result);
    c.calls = run.result.calls.length;
    if (!run.result.ok) Object.assign(c, { outcome: 'failed', error: run.result.error ?? undefined });
  });
  throwIfAborted(ctx.signal);

  // Judge clean runs, fewest calls first: with a costly judge the first success ends the search.
  const clean = runnable.filter((i) => each[i]!.outcome === 'unjudged').sort((a, b) => each[a]!.calls! - each[b]!.calls! || a - b);
  const verdicts = new Map<number, Verdict>();
  for (const i of clean) {
    if (!ctx.verify) {
      each[i]!.outcome = 'done';
      continue;
    }
    const verdict = await ctx.judge(results.get(i)!, drafts[i]!.program!);
    verdicts.set(i, verdict);
    each[i]!.outcome = verdict.done ? 'done' : 'not_done';
    if (!verdict.done) each[i]!.critique = verdict.critique;
    if (verdict.done && !ctx.cheapJudge) break;
  }
  const winner = clean.find((i) => each[i]!.outcome === 'done');
  // Duplicates share their original's fate.
  each.forEach((c) => {
    if (c.outcome !== 'duplicate') return;
    const o = each[c.duplicateOf!]!;
    if (o.calls !== undefined) c.calls = o.calls;
  });

  const record: CandidatesRecord = {
    sampled: k,
    tried: runnable.length,
    succeeded: each.filter((c) => c.outcome === 'done').length,
    chosen: winner ?? null,
    each,
  };
  const chosen: Chosen | null =
    winner === undefined
      ? null
      : {
          index: winner,
          draft: drafts[winner] as Draft & { program: string },
          messages: copies[winner]!.messages,
          helpers: copies[winner]!.helpers,
          sim: results.get(winner)!,
          ...(verdicts.has(winner) ? { verdict: verdicts.get(winner)! } : {}),
        };
  return {
    record,
    drafts,
    chosen,
    feedback: chosen ? [] : candidatesFeedback(drafts, each, results, ctx.before),
    line: candidatesLine(record),
  };
}

/** "4 candidates, 3 run in simulation, 1 succeeded: #2 chosen (5 calls)". */
export function candidatesLine(r: CandidatesRecord): string {
  const head = `${r.sampled} candidate${r.sampled === 1 ? '' : 's'}, ${r.tried} run in simulation, ${r.succeeded} succeeded`;
  if (r.chosen === null) {
    const kinds = new Map<string, number>();
    for (const c of r.each) {
      const kind = c.outcome === 'failed' ? (c.error?.kind ?? 'failed') : c.outcome;
      if (kind !== 'duplicate') kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    return `${head} (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}); nothing run on the target`;
  }
  const c = r.each[r.chosen]!;
  return `${head}: #${r.chosen + 1} chosen (${c.calls} call${c.calls === 1 ? '' : 's'})`;
}

/** The progress report's lines for a round's candidates: the summary, then one line per candidate. */
export function candidatesText(r: CandidatesRecord): string {
  const lines = r.each.map((c, i) => {
    const calls = c.calls === undefined ? '' : ` (${c.calls} call${c.calls === 1 ? '' : 's'}${c.simMs === undefined ? '' : `, ${c.simMs < 1000 ? `${c.simMs} ms` : `${(c.simMs / 1000).toFixed(1)} s`}`})`;
    const what =
      c.outcome === 'done'
        ? `✓ succeeded in simulation${calls}${i === r.chosen ? ', chosen' : ''}`
        : c.outcome === 'failed'
          ? `✗ ${c.error?.kind ?? 'failed'}${calls}: ${c.error?.message ?? ''}`
          : c.outcome === 'not_done'
            ? `✗ not done${calls}: ${c.critique}`
            : c.outcome === 'check'
              ? '✗ failed the checks'
              : c.outcome === 'no_program'
                ? '✗ no program in the reply'
                : c.outcome === 'duplicate'
                  ? `= #${c.duplicateOf! + 1}`
                  : `· not judged${calls}`;
    return `    #${i + 1} ${what}`;
  });
  return [`  candidates: ${candidatesLine(r)}`, ...lines].join('\n');
}

/**
 * The model's K replies as one assistant message, then one user message with what each did in
 * simulation. The world is unchanged, so it is shown once, as it is.
 */
function candidatesFeedback(drafts: Draft[], each: CandidateSummary[], results: Map<number, RunResult>, before: StateSnapshot): ChatMessage[] {
  const written = drafts
    .map((d, i) =>
      d.program !== null ? `Program ${i + 1}:\n${fenced(d.program)}` : `Reply ${i + 1} (no program):\n${stripThinking(d.reply).trim().slice(0, 600)}`,
    )
    .join('\n\n');
  const sections = drafts.map((d, i) => {
    const c = each[i]!;
    const n = i + 1;
    const result = results.get(c.duplicateOf ?? i);
    switch (c.outcome) {
      case 'no_program':
        return `Reply ${n} has no program: ${d.problem}`;
      case 'check':
        return `Program ${n} was not run: it failed the checks made before anything moves.\n${d.check.diagnostics
          .map((x) => (x.line ? `- line ${x.line}: ${x.message}` : `- ${x.message}`))
          .join('\n')}`;
      case 'duplicate':
        return `Program ${n} is the same as program ${c.duplicateOf! + 1}.`;
      case 'failed':
        if (!result) return `Program ${n} could not be tried in simulation: ${c.error?.message}`;
        return `Program ${n} ran in simulation and failed.\nError: ${errorText(result, d.program!)}\nCalls made:\n${callsText(result)}\nMoved (in simulation): ${movedText(before, result.state)}`;
      default:
        return `Program ${n} ran in simulation without error, but the task was not done: ${c.critique}\nCalls made:\n${callsText(result!)}\nMoved (in simulation): ${movedText(before, result!.state)}`;
    }
  });
  return [
    { role: 'assistant', content: written },
    {
      role: 'user',
      content: render('feedback-candidates', { count: drafts.length, observation: observationText(before), candidates: sections.join('\n\n') }),
    },
  ];
}
