// The bench harness, measured: episodes per minute with the instant scripted model (each episode answered at
// once with its reference program, so every millisecond is Wand's: simulator, checks, sandbox, predicate), and
// the speed-up of trying K candidate programs in parallel worker threads over trying them one after another.
// Run: node --import tsx bench/bench.ts [--episodes N] [--reps R]

import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { primitivesFor } from '../primitives/index.ts';
import { OracleModel } from '../src/bench/oracle.ts';
import { runBench, tabletopChecker } from '../src/bench/run.ts';
import { summarize } from '../src/bench/results.ts';
import { runProgram } from '../src/run/run-program.ts';
import { SimPool } from '../src/select/pool.ts';
import { sceneFromState } from '../src/select/scene-copy.ts';
import { generateEpisodes } from '../src/tasks/suite.ts';
import { parseScene } from '../sim/tabletop/scene.ts';
import { createTabletopSim } from '../sim/tabletop/sim.ts';
import { warmUpTabletopSim } from '../sim/tabletop/warm-up.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const PER_TEMPLATE = arg('episodes', 1);
const REPS = arg('reps', 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (v: number) => `${Math.round(v)} ms`;

// Parallel figures depend on idle cores: the load average says how many were busy with something else.
const load = () => loadavg()[0]!.toFixed(1);
console.log(`Machine: ${availableParallelism()} cores, Node ${process.version}, load average ${load()}`);

// 1. Episodes per minute with the instant scripted model.
const checker = tabletopChecker();
await checker.warm();
await warmUpTabletopSim();
const episodes = generateEpisodes({ split: 'all', episodes: PER_TEMPLATE, seed: 0 });
const run = await runBench({ episodes, model: (ep) => new OracleModel(ep.solution), rounds: 3, samples: 1, verifier: 'predicate', checker });
const result = summarize(
  { suite: 'tabletop', split: 'all', seed: 0, episodesPerTemplate: PER_TEMPLATE, llm: 'oracle', model: 'oracle', rounds: 3, samples: 1, verifier: 'predicate', startedAt: new Date().toISOString() },
  run.results,
  { planned: episodes.length, interrupted: run.interrupted, wallMs: run.wallMs },
);
const programMs = run.results.map((e) => e.wallMs);
const simS = run.results.reduce((s, e) => s + e.simTimeS, 0);
console.log(`\nBench harness, instant scripted model (reference programs), split all, ${episodes.length} episodes:`);
console.log(`  ${result.summary.episodesPerMinute.toFixed(1)} episodes/min (${ms(run.wallMs)} in all; success ${Math.round(result.summary.successRate * 100)}%)`);
console.log(`  per episode: median ${ms(median(programMs))}, max ${ms(Math.max(...programMs))}; ${(simS / episodes.length).toFixed(1)} simulated s per episode`);
console.log(`  simulated time runs ${((simS * 1000) / run.wallMs).toFixed(0)}x faster than real time, harness included`);

// 2. K candidates in parallel worker threads against one after another (both warm).
const ep = episodes.find((e) => e.template === 'matching-bowls')!;
const sim = await createTabletopSim(parseScene(ep.scene));
const state = sim.state();
await sim.dispose();
const copy = sceneFromState(state.objects).scene;
const prims = primitivesFor('tabletop');

async function sequential(k: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < k; i++) {
    const s = await createTabletopSim(copy);
    const r = await runProgram({ source: ep.solution, backend: s, primitives: prims });
    if (!r.ok) throw new Error(`reference program failed: ${r.error?.message}`);
    await s.dispose();
  }
  return performance.now() - t0;
}

// How much two threads can run at once right now: the same busy loop in 1 and in 2 threads (2 free cores: 1.0).
async function busy(threads: number): Promise<number> {
  const code = `const { parentPort } = require('node:worker_threads'); let x = 0; for (let i = 0; i < 2e8; i++) x += i % 7; parentPort.postMessage(x);`;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: threads }, () => new Promise((done) => new Worker(code, { eval: true }).once('message', done))));
  return performance.now() - t0;
}
const contention = (await busy(2)) / (await busy(1));

console.log(`\nK candidates (the ${ep.template} reference program, ${ep.solution.split('\n').length} putOn calls) on their own copies:`);
console.log(`  (two busy threads take ${contention.toFixed(2)}x as long as one right now: ${contention < 1.25 ? 'two cores free' : contention < 1.7 ? 'the other core is partly busy with other work' : 'the other core is busy with other work, so parallel runs cannot gain'})`);
for (const [k, size] of [
  [2, 2],
  [4, 2],
  [4, 4],
] as const) {
  const pool = new SimPool({ size });
  await pool.warm();
  await sequential(1); // warm this thread too
  const seq: number[] = [];
  const par: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    seq.push(await sequential(k));
    const t0 = performance.now();
    const runs = await pool.simulate(Array.from({ length: k }, () => ep.solution), state);
    par.push(performance.now() - t0);
    if (!runs.every((r) => r.result?.ok)) throw new Error('a parallel candidate failed');
  }
  await pool.close();
  const [s, p] = [median(seq), median(par)];
  console.log(`  K=${k}, ${size} worker threads: one after another ${ms(s)}, in parallel ${ms(p)} -> speed-up ${(s / p).toFixed(2)}x (median of ${REPS}; load ${load()})`);
}
