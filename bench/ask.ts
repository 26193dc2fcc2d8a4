// What Wand adds around the model, measured: the static prompt's size in tokens, and the time from a
// reply's arrival to the first primitive running (extraction, helpers, checks, sandbox start), cold
// and warm. Cold is the first reply of a process whose checker thread started warming when the session
// began, as `wand ask` does, with the model thinking for MODEL_THINK_MS meanwhile; "cold, no thinking
// time" is the same when the reply arrives at once. Run: node --import tsx bench/ask.ts [--runs N]

import { generateDts } from '../primitives/dts.ts';
import { vocabularyText } from '../primitives/tabletop/vocabulary.ts';
import { openBackend } from '../src/backends/open.ts';
import { backendOptionsFrom } from '../src/backends/options.ts';
import { ProgramChecker } from '../src/check/index.ts';
import { checkerThread } from '../src/check/thread.ts';
import type { ChatMessage, ChatModel, Completion } from '../src/model/chat.ts';
import { ask, type AskEvent } from '../src/model/loop.ts';
import { systemPrompt, turnMessage, type PromptWorld } from '../src/model/prompt.ts';
import { AskSession } from '../src/model/session.ts';
import { estimateTokens } from '../src/model/tokens.ts';
import { executeProgram } from '../src/run/execute.ts';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 10;

const PROGRAM = [
  "const blocks = getObjects().filter((o) => o.kind === 'block');",
  'for (const b of blocks.slice(0, 1)) print(b.name, b.position);',
].join('\n');

/** A first reply from a hosted model takes seconds; the checker warms meanwhile. */
const MODEL_THINK_MS = 2_000;
const GOAL_COLD_MS = 300;
const GOAL_WARM_MS = 50;

/** Answers after `thinkMs` (then at once), so every millisecond measured after it is Wand's. Each reply differs, so no check is cached. */
class InstantModel implements ChatModel {
  readonly label = 'instant';
  private n = 0;
  constructor(private thinkMs = 0) {}
  async complete(_messages: ChatMessage[]): Promise<Completion> {
    if (this.thinkMs) await new Promise((r) => setTimeout(r, this.thinkMs));
    this.thinkMs = 0;
    const text = '```js\n' + `// reply ${++this.n}\n` + PROGRAM + '\n```';
    return { text, promptTokens: 0, completionTokens: 0, model: 'instant', ms: 0, estimated: true };
  }
}

// As `wand ask`: the checker thread starts with the session, beside the simulator.
const coldMode = process.argv.includes('--no-think') ? 'no-think' : 'think';
const sessionStart = performance.now();
checkerThread().prestart();
const opened = await openBackend(backendOptionsFrom({ seed: '0' }));
const world: PromptWorld = { profile: 'tabletop', primitives: opened.primitives, world: opened.backend.world() };

// Prompt size.
const system = systemPrompt(world);
const turn = turnMessage('put the red block in the blue bowl', opened.backend.state());
if (coldMode === 'think') {
  console.log('Prompt (tabletop, estimated tokens, cl100k-like):');
  console.log(`  static system prompt (API + world + examples): ${estimateTokens(system)} tokens, ${system.length} chars  (goal < 1500)`);
  console.log(`    of which the spatial vocabulary (directions, named positions, relations): ${estimateTokens(vocabularyText(world.world))} tokens`);
  console.log(`  dynamic turn (observation + instruction, seed 0): ${estimateTokens(turn)} tokens`);
}

// Reply → first primitive.
const checker = new ProgramChecker(generateDts(opened.primitives));
let warmMs = 0;
void checker.warm().then(() => (warmMs = performance.now() - sessionStart));
const session = new AskSession();
const target = {
  state: () => opened.backend.state(),
  execute: (source: string, o: { signal?: AbortSignal; onEvent?: Parameters<typeof executeProgram>[0]['onEvent'] }) =>
    executeProgram({ source, target: opened, signal: o.signal, onEvent: o.onEvent }),
};

const model = new InstantModel(coldMode === 'think' ? MODEL_THINK_MS : 0);

async function once(): Promise<{ total: number; toCheck: number; checked: number }> {
  let replyAt = 0;
  let checkAt = 0;
  let checkedAt = 0;
  let firstCall = 0;
  const onEvent = (e: AskEvent) => {
    const now = performance.now();
    if (e.type === 'reply' && e.purpose === 'program') replyAt = now;
    if (e.type === 'program') checkAt = now;
    if (e.type === 'check') checkedAt = now;
    if (e.type === 'run' && e.event.type === 'call' && !firstCall) firstCall = now;
  };
  const outcome = await ask('describe the first block', { model, checker, target, world, session }, { rounds: 1, verify: false, onEvent });
  if (!outcome.ok) throw new Error(`bench program failed: ${JSON.stringify(outcome.rounds.at(-1))}`);
  return { total: firstCall - replyAt, toCheck: checkAt - replyAt, checked: checkedAt - checkAt };
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const cold = await once();
const warm: Awaited<ReturnType<typeof once>>[] = [];
for (let i = 0; i < (coldMode === 'think' ? RUNS : 1); i++) warm.push(await once());
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const m = { total: median(warm.map((w) => w.total)), toCheck: median(warm.map((w) => w.toCheck)), checked: median(warm.map((w) => w.checked)) };
const verdict = (ms: number, goal: number) => `(goal ≤ ${goal} ms${ms <= goal ? '' : ': OVER GOAL'})`;
if (coldMode === 'think') console.log('\nReply arrival → first primitive running (extraction, helpers and checks in the checker thread, the sandbox):');
const parts = (r: { total: number; toCheck: number }) => `extraction + checks ${fmt(r.toCheck)}, sandbox start ${fmt(r.total - r.toCheck)}`;
if (coldMode === 'think') {
  console.log(`  cold (first reply, model thinking ${MODEL_THINK_MS / 1000} s while the checker warms): ${fmt(cold.total)}  (${parts(cold)})  ${verdict(cold.total, GOAL_COLD_MS)}`);
  console.log(`  warm (median of ${RUNS}): ${fmt(m.total)}  (${parts(m)})  ${verdict(m.total, GOAL_WARM_MS)}`);
  console.log(`  checker thread warm (TypeScript loaded, API parsed) ${fmt(warmMs)} after the session started, off the main thread`);
} else {
  console.log(`  cold, no thinking time (the reply arrives before the checker is warm): ${fmt(cold.total)}  (${parts(cold)})`);
}
await opened.backend.dispose();
// The no-thinking-time figure needs a fresh process (a cold checker thread).
if (coldMode === 'think') {
  const { spawnSync } = await import('node:child_process');
  spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1), '--no-think', '--runs', '1'], { stdio: ['ignore', 'inherit', 'inherit'] });
}
