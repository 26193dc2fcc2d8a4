// What Wand adds around the model, measured: the static prompt's size in tokens, and the time from a
// reply's arrival to the first primitive running (extraction, helpers, checks, sandbox start), cold
// and warm. Run: node --import tsx bench/ask.ts [--runs N]

import { generateDts } from '../primitives/dts.ts';
import { vocabularyText } from '../primitives/tabletop/vocabulary.ts';
import { openBackend } from '../src/backends/open.ts';
import { backendOptionsFrom } from '../src/backends/options.ts';
import { ProgramChecker } from '../src/check/index.ts';
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

/** Answers at once, so every millisecond measured is Wand's. Each reply differs, so no check is cached. */
class InstantModel implements ChatModel {
  readonly label = 'instant';
  private n = 0;
  async complete(_messages: ChatMessage[]): Promise<Completion> {
    const text = '```js\n' + `// reply ${++this.n}\n` + PROGRAM + '\n```';
    return { text, promptTokens: 0, completionTokens: 0, model: 'instant', ms: 0, estimated: true };
  }
}

const opened = await openBackend(backendOptionsFrom({ seed: '0' }));
const world: PromptWorld = { profile: 'tabletop', primitives: opened.primitives, world: opened.backend.world() };

// Prompt size.
const system = systemPrompt(world);
const turn = turnMessage('put the red block in the blue bowl', opened.backend.state());
console.log('Prompt (tabletop, estimated tokens, cl100k-like):');
console.log(`  static system prompt (API + world + examples): ${estimateTokens(system)} tokens, ${system.length} chars  (goal < 1500)`);
console.log(`    of which the spatial vocabulary (directions, named positions, relations): ${estimateTokens(vocabularyText(world.world))} tokens`);
console.log(`  dynamic turn (observation + instruction, seed 0): ${estimateTokens(turn)} tokens`);

// Reply → first primitive.
const checker = new ProgramChecker(generateDts(opened.primitives));
const session = new AskSession();
const target = {
  state: () => opened.backend.state(),
  execute: (source: string, o: { signal?: AbortSignal; onEvent?: Parameters<typeof executeProgram>[0]['onEvent'] }) =>
    executeProgram({ source, target: opened, signal: o.signal, onEvent: o.onEvent }),
};

const model = new InstantModel();

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
for (let i = 0; i < RUNS; i++) warm.push(await once());
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const m = { total: median(warm.map((w) => w.total)), toCheck: median(warm.map((w) => w.toCheck)), checked: median(warm.map((w) => w.checked)) };
console.log('\nReply arrival → first primitive running:');
console.log(`  cold (first program of the process): ${fmt(cold.total)}  (extract + type-check ${fmt(cold.toCheck)}, whitelist ${fmt(cold.checked)})`);
console.log(`  warm (median of ${RUNS}): ${fmt(m.total)}  (extract + type-check ${fmt(m.toCheck)}, whitelist ${fmt(m.checked)}, sandbox start ${fmt(m.total - m.toCheck - m.checked)})  (goal < 100 ms)`);
await opened.backend.dispose();
