import type { Split } from '../tasks/attributes.ts';
import type { SplitChoice } from '../tasks/suite.ts';
import { TEMPLATES } from '../tasks/templates.ts';
import type { ErrorInfo } from '../core/errors.ts';

// The `wand bench --json` contract, and how episode results add up to it.

/** How one round ended: 'done', or why not (see `EpisodeResult.failure`). */
export interface RoundOutcome {
  kind: string;
  /** With --samples K > 1: the round's candidates in simulation. */
  candidates?: { sampled: number; tried: number; succeeded: number; chosen: number | null };
}

export interface EpisodeResult {
  id: string;
  template: string;
  split: Split;
  seed: number;
  instruction: string;
  /** The template's success predicate on (initial objects, final objects). */
  success: boolean;
  /** The predicate's explanation ("ok" when it holds). */
  reason: string;
  /**
   * Why the episode failed, null when it succeeded: an error kind (unknown_object, physical, connection, ...),
   * 'check' (never passed the checks), 'no_program', 'not_done' (ran, but the task was not done) or
   * 'false_done' (the model's verifier said done, the predicate disagrees).
   */
  failure: string | null;
  /** Rounds used (rounds to success when it succeeded). */
  rounds: number;
  roundOutcomes: RoundOutcome[];
  stopped: 'done' | 'budget' | 'aborted' | 'error';
  error?: ErrorInfo;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** Candidate programs run in simulation, over all rounds (--samples K > 1). */
  candidatesTried: number;
  /** Simulated seconds the target ran programs. */
  simTimeS: number;
  wallMs: number;
  summary: string[];
}

export interface Stats {
  episodes: number;
  successes: number;
  successRate: number;
  /** Mean rounds over successful episodes; null when none succeeded. */
  meanRoundsToSuccess: number | null;
  requestsPerEpisode: number;
  promptTokensPerEpisode: number;
  completionTokensPerEpisode: number;
  candidatesPerEpisode: number;
  wallMsPerEpisode: number;
  /**
   * Episodes the verifier called done although the predicate says they are not (failure 'false_done'). Only
   * the model's verifier can be wrong this way (--verifier model); the goal is none.
   */
  falseDone: number;
}

export interface TemplateRow {
  template: string;
  /** Whether the instruction template itself is seen or unseen. */
  templateSplit: Split;
  /** The success predicate in words. */
  success: string;
  seen: Stats | null;
  unseen: Stats | null;
  all: Stats;
}

export interface BenchMeta {
  suite: 'tabletop';
  split: SplitChoice;
  seed: number;
  episodesPerTemplate: number;
  templates?: string[];
  /** Where replies came from: "openai", "oracle", ... */
  llm: string;
  model: string;
  rounds: number;
  samples: number;
  verifier: 'predicate' | 'model';
  /** With --verifier model: the model that verified (WAND_VERIFIER_MODEL, or the coder's). */
  verifierModel?: string;
  startedAt: string;
}

export interface BenchResult extends BenchMeta {
  /** Episodes the run set out to do; `episodes` holds the finished ones. */
  planned: number;
  finished: number;
  /** Stopped early by Ctrl-C: the figures cover the finished episodes only. */
  interrupted: boolean;
  wallMs: number;
  summary: Stats & { episodesPerMinute: number };
  bySplit: { seen: Stats | null; unseen: Stats | null };
  byTemplate: TemplateRow[];
  /** Failed episodes grouped by why they failed, most frequent first. */
  failures: { kind: string; count: number; episodes: string[] }[];
  /** Every failed round of every episode, by kind (a round can fail and the episode still succeed). */
  roundFailures: Record<string, number>;
  /** Successful episodes by rounds used: {"1": 20, "2": 3}. */
  roundsToSuccess: Record<string, number>;
  episodes: EpisodeResult[];
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const r2 = (v: number) => Math.round(v * 100) / 100;

export function stats(eps: EpisodeResult[]): Stats {
  const ok = eps.filter((e) => e.success);
  return {
    episodes: eps.length,
    successes: ok.length,
    successRate: eps.length ? r2(ok.length / eps.length) : 0,
    meanRoundsToSuccess: ok.length ? r2(mean(ok.map((e) => e.rounds))) : null,
    requestsPerEpisode: r2(mean(eps.map((e) => e.requests))),
    promptTokensPerEpisode: Math.round(mean(eps.map((e) => e.promptTokens))),
    completionTokensPerEpisode: Math.round(mean(eps.map((e) => e.completionTokens))),
    candidatesPerEpisode: r2(mean(eps.map((e) => e.candidatesTried))),
    wallMsPerEpisode: Math.round(mean(eps.map((e) => e.wallMs))),
    falseDone: eps.filter((e) => e.failure === 'false_done').length,
  };
}

/** Stats of the episodes of one split; null when there are none. */
function splitStats(eps: EpisodeResult[], split: Split): Stats | null {
  const some = eps.filter((e) => e.split === split);
  return some.length ? stats(some) : null;
}

export function summarize(meta: BenchMeta, episodes: EpisodeResult[], run: { planned: number; interrupted: boolean; wallMs: number }): BenchResult {
  const byTemplate: TemplateRow[] = [];
  for (const t of TEMPLATES) {
    const eps = episodes.filter((e) => e.template === t.id);
    if (!eps.length) continue;
    byTemplate.push({ template: t.id, templateSplit: t.split, success: t.success, seen: splitStats(eps, 'seen'), unseen: splitStats(eps, 'unseen'), all: stats(eps) });
  }

  const failures = new Map<string, string[]>();
  const roundFailures: Record<string, number> = {};
  const roundsToSuccess: Record<string, number> = {};
  for (const e of episodes) {
    if (e.failure) failures.set(e.failure, [...(failures.get(e.failure) ?? []), e.id]);
    for (const r of e.roundOutcomes) if (r.kind !== 'done') roundFailures[r.kind] = (roundFailures[r.kind] ?? 0) + 1;
    if (e.success) roundsToSuccess[e.rounds] = (roundsToSuccess[e.rounds] ?? 0) + 1;
  }
  const all = stats(episodes);
  return {
    ...meta,
    planned: run.planned,
    finished: episodes.length,
    interrupted: run.interrupted,
    wallMs: Math.round(run.wallMs),
    summary: { ...all, episodesPerMinute: run.wallMs > 0 ? r2(episodes.length / (run.wallMs / 60_000)) : 0 },
    bySplit: { seen: splitStats(episodes, 'seen'), unseen: splitStats(episodes, 'unseen') },
    byTemplate,
    failures: [...failures]
      .map(([kind, ids]) => ({ kind, count: ids.length, episodes: ids }))
      .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind)),
    roundFailures,
    roundsToSuccess,
    episodes,
  };
}
