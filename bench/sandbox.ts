// Sandbox speed: start-up (cold and warm), primitive-call overhead, parallel runs, limit reaction times.
// Run: node --import tsx bench/sandbox.ts
import { WandError } from '../src/core/errors.ts';
import { runInSandbox, warmUp, type RunOptions, type SandboxResult } from '../src/sandbox/index.ts';

const GOAL_STARTUP_MS = 300;
const GOAL_CALL_MS = 0.5;

const trivial: RunOptions['onCall'] = async () => null;

async function timed(opts: Partial<RunOptions> & { code: string }, expectOk = true): Promise<{ ms: number; result: SandboxResult }> {
  const started = performance.now();
  const result = await runInSandbox({ globals: ['pick', 'print'], onCall: trivial, ...opts });
  const ms = performance.now() - started;
  if (expectOk && !result.ok) throw new Error(`bench program failed: ${JSON.stringify(result.error)}`);
  return { ms, result };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function row(label: string, value: string, goal?: boolean): void {
  const verdict = goal === undefined ? '' : goal ? '  ok' : '  OVER GOAL';
  console.log(`${label.padEnd(44)} ${value.padStart(12)}${verdict}`);
}

// Cold: the first run in this process compiles QuickJS, spawns a worker and instantiates the module.
const cold = await timed({ code: `pick('a')` });
row('start-up, cold (first run in the process)', `${cold.ms.toFixed(1)} ms`, cold.ms < GOAL_STARTUP_MS);

await warmUp();
const warm: number[] = [];
for (let i = 0; i < 30; i++) warm.push((await timed({ code: `pick('a')` })).ms);
const warmMs = median(warm);
row('start-up, warm (median of 30)', `${warmMs.toFixed(1)} ms`, warmMs < GOAL_STARTUP_MS);
row('start-up, warm (worst of 30)', `${Math.max(...warm).toFixed(1)} ms`);

// Per-call overhead: the difference between N calls and none, over N, with an onCall that does nothing.
const CALLS = 5000;
const perCall: number[] = [];
for (let i = 0; i < 5; i++) {
  const empty = await timed({ code: `for (let i = 0; i < ${CALLS}; i++) {}` });
  const busy = await timed({ code: `for (let i = 0; i < ${CALLS}; i++) pick('a', i)` });
  perCall.push((busy.ms - empty.ms) / CALLS);
}
const callMs = median(perCall);
row(`primitive call round trip (median, ${CALLS} calls)`, `${(callMs * 1000).toFixed(1)} µs`, callMs < GOAL_CALL_MS);

const withResult = await timed({
  code: `for (let i = 0; i < ${CALLS}; i++) pick('a')`,
  onCall: async () => ({ name: 'red block', position: { x: 0.4, y: 0.1, z: 0.02 }, size: { x: 0.04, y: 0.04, z: 0.04 } }),
});
row('call returning an object (incl. start-up)', `${((withResult.ms / CALLS) * 1000).toFixed(1)} µs`);

// The first batch spawns the workers it lacks; the second finds some of them warm in the pool.
const K = 4;
for (const batch of ['first', 'second']) {
  const parallelStarted = performance.now();
  await Promise.all(Array.from({ length: K }, () => timed({ code: `for (let i = 0; i < 500; i++) pick('a')` })));
  row(`${K} programs in parallel, 500 calls each (${batch})`, `${(performance.now() - parallelStarted).toFixed(1)} ms`);
}

const loop = await timed({ code: `while (true) {}`, limits: { timeoutMs: 200 } }, false);
row('runaway loop, 200 ms budget: ended after', `${loop.ms.toFixed(1)} ms`);

const never = await timed({ code: `await new Promise(() => {})` }, false);
row('never-settling promise: ended after', `${never.ms.toFixed(1)} ms`);

const memory = await timed({ code: `let a = [];\nwhile (1) a.push(new Array(1e6).fill(1));`, limits: { timeoutMs: 10_000 } }, false);
row(`unbounded arrays (${memory.result.error?.kind}): ended after`, `${memory.ms.toFixed(1)} ms`);

let printed = 0;
const flood = await timed({
  code: `while (true) print('spam')`,
  onCall: async () => {
    if (++printed > 10_000) throw new WandError('output', 'too much output');
  },
}, false);
row(`print flood, stopped at 10 000 lines (${flood.result.error?.kind})`, `${flood.ms.toFixed(1)} ms`);
