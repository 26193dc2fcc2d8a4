// CREATOR's reuse experiment on Wand: one core skill (arrangeInLine), several scenarios that need it.
// Each instruction runs in a fresh world and a fresh session, once without the skills library and once
// with it (shared across the instructions, empty at the start), and the bench prints the rounds and
// prompt tokens each needed. The model is scripted (no endpoint needed); everything else is real: the
// prompt, the checker, the sandbox, the simulator, the promotion gate with its rehearsal, retrieval.
// Success is judged by a predicate (the objects on the segment, the first and last at its ends).
//
// Two scripted authors: "careful" writes the tool right the first time; "one slip" writes it with a
// mistake the checker catches (place() given two arguments) and fixes it after the feedback, as models
// often do. With the library, both call the stored skill in one line when it is offered.
//
// Run: node --import tsx bench/skills.ts

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StateSnapshot } from '../primitives/backend.ts';
import { generateDts } from '../primitives/dts.ts';
import { openSimulator } from '../src/backends/open.ts';
import type { BackendOptions } from '../src/backends/options.ts';
import { ProgramChecker } from '../src/check/index.ts';
import type { ChatMessage, ChatModel, Completion } from '../src/model/chat.ts';
import { ask } from '../src/model/loop.ts';
import { AskSession } from '../src/model/session.ts';
import { estimateMessageTokens, estimateTokens } from '../src/model/tokens.ts';
import type { Verdict } from '../src/model/verify.ts';
import type { RunResult } from '../src/run/result.ts';
import { executeProgram } from '../src/run/execute.ts';
import { SkillLibrary, SKILLS_HEADER } from '../src/skills/library.ts';
import { prepareRehearsal } from '../src/skills/rehearse.ts';
import { NAMED_POSITIONS } from '../primitives/tabletop/world.ts';

const SCENE = fileURLToPath(new URL('../examples/scene.json', import.meta.url));
const options: BackendOptions = { world: 'tabletop', backend: 'sim', seed: 0, rehearse: true, scenePath: SCENE };
const BLOCKS = "getObjectNames().filter((n) => n.endsWith('block'))";

interface Scenario {
  instruction: string;
  /** The call's arguments, as the model would write them. */
  names: string;
  start: string;
  end: string;
  /** For the predicate. */
  objects: string[];
}

const SCENARIOS: Scenario[] = [
  { instruction: 'line up the blocks along the top side', names: BLOCKS, start: 'top left corner', end: 'top right corner', objects: ['red block', 'blue block', 'green block'] },
  { instruction: 'put the red and green blocks in a line down the left side', names: "['red block', 'green block']", start: 'left side', end: 'bottom left corner', objects: ['red block', 'green block'] },
  { instruction: 'line the blocks up along the bottom side', names: BLOCKS, start: 'bottom left corner', end: 'bottom right corner', objects: ['red block', 'blue block', 'green block'] },
  { instruction: 'make a diagonal line of the blocks from the bottom left corner to the top right corner', names: BLOCKS, start: 'bottom left corner', end: 'top right corner', objects: ['red block', 'blue block', 'green block'] },
  { instruction: 'arrange the blue and red blocks in a row down the right side', names: "['blue block', 'red block']", start: 'top right corner', end: 'bottom right corner', objects: ['blue block', 'red block'] },
];

const tool = (slip: boolean) => `/**
 * Puts the named objects in an evenly spaced line from start to end.
 * @param {string[]} names the objects, in order
 * @param {string | Point} start where the first one goes: a named position or a point
 * @param {string | Point} end where the last one goes
 */
function arrangeInLine(names, start, end) {
  const a = typeof start === 'string' ? namedPosition(start) : start;
  const b = typeof end === 'string' ? namedPosition(end) : end;
  names.forEach((name, i) => {
    const t = names.length === 1 ? 0.5 : i / (names.length - 1);
    const p = { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
${slip ? '    pick(name);\n    place(name, p);' : '    putOn(name, p);'}
  });
}`;

const fence = (code: string) => '```js\n' + code + '\n```';
const call = (s: Scenario) => `arrangeInLine(${s.names}, '${s.start}', '${s.end}');`;

/** Plays a model: writes the tool (or calls the offered skill) for the scenario in the conversation. */
class ScriptedAuthor implements ChatModel {
  readonly label: string;
  constructor(private readonly slips: boolean) {
    this.label = slips ? 'one slip' : 'careful';
  }
  async complete(messages: ChatMessage[]): Promise<Completion> {
    const system = messages[0]!.content;
    const turn = messages.find((m) => m.role === 'user' && m.content.includes('Instruction: '))!.content;
    const instruction = /Instruction: (.*)$/.exec(turn)![1]!;
    const scenario = SCENARIOS.find((s) => s.instruction === instruction)!;
    const offered = system.includes(SKILLS_HEADER) && system.includes('\narrangeInLine(');
    const feedback = messages.length > 2 && messages.at(-1)!.role === 'user';
    const text = offered ? fence(call(scenario)) : fence(`${tool(this.slips && !feedback)}\n\n${call(scenario)}`);
    const promptTokens = estimateMessageTokens(messages);
    return { text, promptTokens, completionTokens: estimateTokens(text), model: this.label, ms: 0, estimated: true };
  }
}

/** Every object on the segment from start to end, the first and last at its ends. */
function judgeFor(s: Scenario) {
  return (_initial: StateSnapshot, result: RunResult): Verdict => {
    const a = NAMED_POSITIONS[s.start]!;
    const b = NAMED_POSITIONS[s.end]!;
    const at = (name: string) => result.state.objects.find((o) => o.name === name)!.position;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    const offLine = (p: { x: number; y: number }) => Math.abs((b.x - a.x) * (a.y - p.y) - (a.x - p.x) * (b.y - a.y)) / len;
    const ordered = s.objects.map(at);
    const ok =
      ordered.every((p) => offLine(p) <= 0.04) &&
      Math.hypot(ordered[0]!.x - a.x, ordered[0]!.y - a.y) <= 0.06 &&
      Math.hypot(ordered.at(-1)!.x - b.x, ordered.at(-1)!.y - b.y) <= 0.06;
    return { done: ok, critique: ok ? 'in line' : 'not in line' };
  };
}

interface Row {
  ok: boolean;
  rounds: number;
  promptTokens: number;
  completionTokens: number;
  note: string;
}

async function runOne(s: Scenario, model: ChatModel, library: SkillLibrary | null): Promise<Row> {
  const opened = await openSimulator(options);
  try {
    const offer = library ? await library.offer(s.instruction) : null;
    const rehearse = library ? await prepareRehearsal(opened, options, opened.backend.state()) : undefined;
    const outcome = await ask(
      s.instruction,
      {
        model,
        checker: offer?.checker ?? new ProgramChecker(generateDts(opened.primitives)),
        target: { state: () => opened.backend.state(), execute: (source, o) => executeProgram({ source, target: opened, prelude: o.prelude, signal: o.signal }) },
        world: { profile: 'tabletop', primitives: opened.primitives, world: opened.backend.world(), ...(offer?.extraApi ? { extraApi: offer.extraApi } : {}) },
        session: new AskSession(),
        judge: judgeFor(s),
        ...(offer?.prelude ? { prelude: offer.prelude } : {}),
      },
      { rounds: 3 },
    );
    let note = '';
    if (library && offer) {
      const learned = await library.learn(s.instruction, outcome, offer, { rehearse });
      note = [
        ...learned.used.map((u) => `${u.name} v${u.version} reused: ${u.result}`),
        ...learned.stored.map((x) => `stored ${x.name} v${x.version}`),
        ...learned.rejected.map((x) => `not stored ${x.name}: ${x.reason}`),
      ].join('; ');
    }
    return { ok: outcome.ok, rounds: outcome.rounds.length, promptTokens: outcome.usage.promptTokens, completionTokens: outcome.usage.completionTokens, note };
  } finally {
    await opened.backend.dispose();
  }
}

const pad = (v: string | number, n: number) => String(v).padStart(n);
let failed = 0;
console.log('Skills reuse: one core skill (arrangeInLine), 5 scenarios, each in a fresh world and session.');
console.log('Scripted model; real prompt, checker, sandbox, simulator and promotion gate; success by a line predicate.');
console.log('Tokens are estimated (cl100k-like). Columns: rounds, prompt tokens, completion tokens.\n');
for (const slips of [false, true]) {
  const model = new ScriptedAuthor(slips);
  const dir = mkdtempSync(join(tmpdir(), 'wand-bench-skills-'));
  const library = new SkillLibrary({ dir, profile: 'tabletop', primitives: (await import('../primitives/index.ts')).primitivesFor('tabletop') });
  console.log(`Author "${model.label}"${slips ? ' (the tool written from scratch has one mistake the checker catches)' : ' (the tool written from scratch is right first time)'}:`);
  console.log(`  ${'#'.padEnd(3)}${'without library'.padStart(22)}${'with library'.padStart(22)}   library`);
  const totals = { without: [0, 0, 0], with: [0, 0, 0] };
  for (const [i, s] of SCENARIOS.entries()) {
    const without = await runOne(s, model, null);
    const withLib = await runOne(s, model, library);
    for (const [row, t] of [[without, totals.without], [withLib, totals.with]] as const) {
      if (!row.ok) failed++;
      t[0]! += row.rounds;
      t[1]! += row.promptTokens;
      t[2]! += row.completionTokens;
    }
    const cells = (r: Row) => `${pad(r.rounds, 4)} ${pad(r.promptTokens, 7)} ${pad(r.completionTokens, 6)}${r.ok ? '    ' : ' FAIL'}`;
    console.log(`  ${String(i + 1).padEnd(3)}${cells(without)}${cells(withLib)}   ${withLib.note}`);
    console.log(`       ${s.instruction}`);
  }
  const sum = (t: number[]) => `${pad(t[0]!, 4)} ${pad(t[1]!, 7)} ${pad(t[2]!, 6)}    `;
  console.log(`  ${'sum'.padEnd(3)}${sum(totals.without)}${sum(totals.with)}`);
  const change = (k: number, what: string) => {
    const pct = Math.round((totals.with[k]! / totals.without[k]! - 1) * 100);
    return pct === 0 ? `the same ${what}` : `${Math.abs(pct)}% ${pct < 0 ? 'fewer' : 'more'} ${what}`;
  };
  console.log(`  with the library: ${change(0, 'rounds')}, ${change(1, 'prompt tokens')}, ${change(2, 'completion tokens')}\n`);
  rmSync(dir, { recursive: true, force: true });
}
if (failed) {
  console.log(`${failed} run(s) did not succeed`);
  process.exit(1);
}
