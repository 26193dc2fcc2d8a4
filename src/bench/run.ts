import type { StateSnapshot } from '../../primitives/backend.ts';
import { generateDts, primitivesFor } from '../../primitives/index.ts';
import { TABLETOP_WORLD } from '../../primitives/tabletop/world.ts';
import { parseScene } from '../../sim/tabletop/scene.ts';
import { createTabletopSim } from '../../sim/tabletop/sim.ts';
import type { OpenBackend } from '../backends/open.ts';
import { ProgramChecker } from '../check/index.ts';
import type { ChatModel } from '../model/chat.ts';
import { ask, type AskEvent, type AskOutcome, type AskTarget, type RoundRecord } from '../model/loop.ts';
import type { PromptWorld } from '../model/prompt.ts';
import type { Verdict } from '../model/verify.ts';
import { executeProgram } from '../run/execute.ts';
import type { RunResult } from '../run/result.ts';
import type { CandidateSimulator } from '../select/pool.ts';
import type { CandidatesRecord } from '../select/round.ts';
import type { Episode } from '../tasks/suite.ts';
import type { EpisodeResult, RoundOutcome } from './results.ts';

// The bench harness: every episode is a fresh `wand ask` loop on a simulator built from the episode's
// scene, and success is the episode's predicate on the objects before and after, whatever the loop
// believed. With the predicate as verifier, the model is only told "not done", never why, so the
// predicate's knowledge of the answer ("the closest block is the red one") does not leak into the prompt.

export interface BenchRunOptions {
  episodes: Episode[];
  /** The model that answers an episode (one shared client, or a per-episode oracle). */
  model(episode: Episode): ChatModel;
  /** With verifier 'model': the model that verifies, when it is not the one that writes (WAND_VERIFIER_MODEL, or --llm oracle). */
  verifierModel?: ChatModel;
  rounds: number;
  samples: number;
  /** 'predicate': the success predicate judges clean runs; 'model': the model's verifier does. */
  verifier: 'predicate' | 'model';
  /** Where candidates are tried when samples > 1. */
  simulator?: CandidateSimulator;
  checker?: ProgramChecker;
  signal?: AbortSignal;
  onEpisodeStart?(episode: Episode, index: number): void;
  onEpisode?(result: EpisodeResult, index: number): void;
  onEvent?(event: AskEvent, episode: Episode): void;
}

export interface BenchRun {
  results: EpisodeResult[];
  interrupted: boolean;
  wallMs: number;
}

const primitives = primitivesFor('tabletop');
const world: PromptWorld = { profile: 'tabletop', primitives, world: TABLETOP_WORLD };

export const PREDICATE_NOT_DONE = "the task is not done yet: the benchmark's success check does not hold";

export function tabletopChecker(): ProgramChecker {
  return new ProgramChecker(generateDts(primitives));
}

/** Runs the episodes one after another. Ctrl-C (the signal) ends the run; the episode it interrupted is left out. */
export async function runBench(opts: BenchRunOptions): Promise<BenchRun> {
  const started = performance.now();
  const checker = opts.checker ?? tabletopChecker();
  const results: EpisodeResult[] = [];
  for (const [index, episode] of opts.episodes.entries()) {
    if (opts.signal?.aborted) break;
    opts.onEpisodeStart?.(episode, index);
    const result = await runEpisode(episode, { ...opts, checker });
    if (!result) break;
    results.push(result);
    opts.onEpisode?.(result, index);
  }
  return { results, interrupted: results.length < opts.episodes.length, wallMs: performance.now() - started };
}

/** One episode; null when it was interrupted before it finished. */
export async function runEpisode(episode: Episode, opts: BenchRunOptions & { checker: ProgramChecker }): Promise<EpisodeResult | null> {
  const started = performance.now();
  const sim = await createTabletopSim(parseScene(episode.scene));
  try {
    const opened: OpenBackend = { backend: sim, primitives, label: `simulator (episode ${episode.id})` };
    const initial = sim.objects();
    const target: AskTarget = {
      state: () => sim.state(),
      execute: (source, o) => executeProgram({ source, target: opened, signal: o.signal, onEvent: o.onEvent, prelude: o.prelude }),
    };
    const judge =
      opts.verifier === 'predicate'
        ? (before: StateSnapshot, result: RunResult): Verdict => {
            const v = episode.check(before.objects, result.state.objects);
            return { done: v.success, critique: v.success ? '' : PREDICATE_NOT_DONE };
          }
        : undefined;
    const outcome = await ask(
      episode.instruction,
      {
        model: opts.model(episode),
        ...(opts.verifierModel ? { verifier: opts.verifierModel } : {}),
        checker: opts.checker,
        target,
        world,
        ...(judge ? { judge } : {}),
        ...(opts.simulator ? { simulator: opts.simulator } : {}),
      },
      { rounds: opts.rounds, samples: opts.samples, signal: opts.signal, ...(opts.onEvent ? { onEvent: (e) => opts.onEvent!(e, episode) } : {}) },
    );
    if (outcome.stopped === 'aborted') return null;
    const verdict = episode.check(initial, sim.objects());
    return episodeResult(episode, outcome, verdict, performance.now() - started);
  } finally {
    await sim.dispose();
  }
}

function episodeResult(episode: Episode, outcome: AskOutcome, verdict: { success: boolean; reason: string }, wallMs: number): EpisodeResult {
  const roundOutcomes = outcome.rounds.map(roundOutcome);
  const failure = verdict.success
    ? null
    : outcome.stopped === 'error'
      ? (outcome.error?.kind ?? 'runtime')
      : outcome.stopped === 'done'
        ? 'false_done'
        : (roundOutcomes.at(-1)?.kind ?? 'not_done');
  return {
    id: episode.id,
    template: episode.template,
    split: episode.split,
    seed: episode.seed,
    instruction: episode.instruction,
    success: verdict.success,
    reason: verdict.reason,
    failure,
    rounds: outcome.rounds.length,
    roundOutcomes,
    stopped: outcome.stopped,
    ...(outcome.error ? { error: outcome.error } : {}),
    requests: outcome.usage.requests,
    promptTokens: outcome.usage.promptTokens,
    completionTokens: outcome.usage.completionTokens,
    candidatesTried: outcome.rounds.reduce((n, r) => n + (r.candidates?.tried ?? 0), 0),
    simTimeS: Math.round(outcome.rounds.reduce((s, r) => s + (r.result?.simTimeS ?? 0), 0) * 1000) / 1000,
    wallMs: Math.round(wallMs),
    summary: outcome.summary,
  };
}

/** How a round ended, as one word: the furthest stage it reached. */
export function roundOutcome(r: RoundRecord): RoundOutcome {
  const kind = r.candidates && r.candidates.chosen === null ? candidatesKind(r.candidates) : singleKind(r);
  if (!r.candidates) return { kind };
  const { sampled, tried, succeeded, chosen } = r.candidates;
  return { kind, candidates: { sampled, tried, succeeded, chosen } };
}

function singleKind(r: RoundRecord): string {
  if (r.program === null) return 'no_program';
  if (!r.check.ok) return 'check';
  if (!r.result) return 'not_run';
  if (!r.result.ok) return r.result.error?.kind ?? 'runtime';
  return r.verdict && !r.verdict.done ? 'not_done' : 'done';
}

/** No candidate succeeded: the furthest any got (ran but not done, then the commonest run error, then checks). */
function candidatesKind(c: CandidatesRecord): string {
  if (c.each.some((e) => e.outcome === 'not_done')) return 'not_done';
  const errors = c.each.filter((e) => e.outcome === 'failed').map((e) => e.error?.kind ?? 'runtime');
  if (errors.length) {
    const count = (k: string) => errors.filter((e) => e === k).length;
    return [...new Set(errors)].sort((a, b) => count(b) - count(a))[0]!;
  }
  return c.each.some((e) => e.outcome === 'check') ? 'check' : 'no_program';
}
