// The verifier, measured: false "done" verdicts (the verifier says done, the benchmark's predicate says not)
// per template, for two scripted authors and two scripted verifiers, on the whole tabletop suite. No model
// endpoint is needed; the prompt, the facts, the checker, the sandbox, the simulator and the predicates are real.
//
// Authors: the oracle (each episode's reference program) and a careless author that spreads "all the blocks
// on <place>" along the table's edge 10 cm apart (the failure a capable model showed). Verifiers: a reader
// that trusts a clean run unless one of Wand's measured facts contradicts the instruction, and the same reader
// without the facts, as the verifier was before Wand measured them. Goal: no false "done" with the facts.
//
// Run: node --import tsx bench/verifier.ts [--episodes N] [--seed S]

import { OracleModel } from '../src/bench/oracle.ts';
import { summarize, type BenchResult } from '../src/bench/results.ts';
import { runBench, tabletopChecker } from '../src/bench/run.ts';
import { CarelessAuthor, FactReader } from '../src/bench/scripted.ts';
import type { ChatModel } from '../src/model/chat.ts';
import { generateEpisodes, type Episode } from '../src/tasks/suite.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const EPISODES = arg('episodes', 2);
const SEED = arg('seed', 0);

const checker = tabletopChecker();
checker.warm();
const episodes = generateEpisodes({ split: 'all', episodes: EPISODES, seed: SEED });

async function measure(author: { name: string; model: (e: Episode) => ChatModel }, readFacts: boolean): Promise<BenchResult> {
  const verifier = new FactReader(readFacts);
  const run = await runBench({ episodes, model: author.model, verifierModel: verifier, rounds: 3, samples: 1, verifier: 'model', checker });
  return summarize(
    {
      suite: 'tabletop',
      split: 'all',
      seed: SEED,
      episodesPerTemplate: EPISODES,
      llm: author.name,
      model: author.name,
      rounds: 3,
      samples: 1,
      verifier: 'model',
      verifierModel: verifier.label,
      startedAt: new Date().toISOString(),
    },
    run.results,
    { planned: episodes.length, interrupted: run.interrupted, wallMs: run.wallMs },
  );
}

const authors = [
  { name: 'oracle', model: (e: Episode) => new OracleModel(e.solution) },
  { name: 'careless', model: (e: Episode) => new CarelessAuthor(e) },
];

console.log(`False "done" verdicts on the tabletop suite (split all, seed ${SEED}, ${EPISODES} episodes per template and split, ${episodes.length} in all).`);
console.log('Scripted authors and verifiers; real prompt, facts, checks, sandbox, simulator and predicates.\n');
let bad = 0;
for (const author of authors) {
  for (const readFacts of [false, true]) {
    const r = await measure(author, readFacts);
    const verifier = readFacts ? 'with facts   ' : 'without facts';
    const perTemplate = r.byTemplate.filter((t) => t.all.falseDone > 0).map((t) => `${t.template} ${t.all.falseDone}/${t.all.episodes}`);
    const goal = readFacts ? '  (goal: none)' : '';
    console.log(
      `${author.name.padEnd(9)} verifier ${verifier}: false done ${String(r.summary.falseDone).padStart(2)} of ${r.finished} episodes${goal}; ` +
        `success ${Math.round(r.summary.successRate * 100)}%` +
        // Every oracle run is right, so a "not done" there is a false alarm that costs a round.
        (author.name === 'oracle' ? `, false "not done" ${r.roundFailures.not_done ?? 0}` : '') +
        (perTemplate.length ? `\n          by template: ${perTemplate.join(', ')}` : ''),
    );
    if (readFacts && r.summary.falseDone > 0) bad++;
    if (author.name === 'oracle' && (r.summary.successRate < 1 || (r.roundFailures.not_done ?? 0) > 0)) bad++;
  }
}
if (bad) {
  console.log(`\n${bad} figure(s) missed their goal`);
  process.exit(1);
}
