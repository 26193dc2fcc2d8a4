// CREATOR's reuse experiment on Wand: a sequence of related and unrelated instructions, each in a fresh
// world and session, run once without the skills library and once with it (shared along the sequence, empty
// at the start). It reports how often an offered skill was used (reuse rate), whether unrelated instructions
// were offered anything, and the rounds and tokens each instruction needed with and without the library.
// The model is scripted (no endpoint needed); everything else is real: the prompt (which asks for a reusable
// function only for a general instruction with the library on), the checker, the sandbox, the simulator,
// retrieval with its relevance threshold, and the promotion gate with its rehearsal. Success is judged by a
// predicate per instruction, which is also what lets a tool be stored.
//
// Two scripted authors: "careful" writes a tool right the first time; "one slip" writes it with a mistake the
// checker catches (place() given two arguments) and fixes it when it is sent back, which costs a request
// but not a round. Both call a stored skill in one line when it is offered and fits.
//
// Run: node --import tsx bench/skills.ts

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StateSnapshot } from '../primitives/backend.ts';
import { generateDts } from '../primitives/dts.ts';
import { primitivesFor } from '../primitives/index.ts';
import { NAMED_POSITIONS } from '../primitives/tabletop/world.ts';
import { openSimulator } from '../src/backends/open.ts';
import type { BackendOptions } from '../src/backends/options.ts';
import { ProgramChecker } from '../src/check/index.ts';
import type { ChatMessage, ChatModel, Completion } from '../src/model/chat.ts';
import { ask } from '../src/model/loop.ts';
import { AskSession } from '../src/model/session.ts';
import { estimateMessageTokens, estimateTokens } from '../src/model/tokens.ts';
import type { Verdict } from '../src/model/verify.ts';
import { executeProgram } from '../src/run/execute.ts';
import type { RunResult } from '../src/run/result.ts';
import { SkillLibrary, SKILLS_HEADER } from '../src/skills/library.ts';
import { prepareRehearsal } from '../src/skills/rehearse.ts';
import { isOn } from '../src/tasks/predicates.ts';

const SCENE = fileURLToPath(new URL('../examples/scene.json', import.meta.url));
const options: BackendOptions = { world: 'tabletop', backend: 'sim', seed: 0, rehearse: true, scenePath: SCENE };
const BLOCKS = "getObjectNames().filter((n) => n.endsWith('block'))";
const ALL = ['red block', 'blue block', 'green block'];

const LINE_TOOL = (slip: boolean) => `/**
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

const STACK_TOOL = (slip: boolean) => `/**
 * Stacks the named blocks on a place, the first at the bottom.
 * @param {string[]} names the blocks, bottom first
 * @param {string | Point} place where the stack stands
 */
function stackOn(names, place) {
  names.forEach((name, i) => ${slip ? 'putOn(name, i === 0 ? place : names[i - 1], true)' : 'putOn(name, i === 0 ? place : names[i - 1])'});
}`;

interface Step {
  instruction: string;
  /** Related to an earlier instruction (the same task on other objects or places), or not. */
  related: boolean;
  /** What a model writes without a tool. */
  plain: string;
  /** The tool it writes when asked for one, and its call; or the call of an offered skill. */
  tool?: { name: string; code: (slip: boolean) => string; call: string };
  judge: (initial: StateSnapshot, after: StateSnapshot) => boolean;
}

/** The objects in order on the segment from start to end, the first and last at its ends. */
function onSegment(names: string[], start: string, end: string) {
  return (_i: StateSnapshot, after: StateSnapshot) => {
    const [a, b] = [NAMED_POSITIONS[start]!, NAMED_POSITIONS[end]!];
    const at = (n: string) => after.objects.find((o) => o.name === n)!.position;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    const off = (p: { x: number; y: number }) => Math.abs((b.x - a.x) * (a.y - p.y) - (a.x - p.x) * (b.y - a.y)) / len;
    const pts = names.map(at);
    return pts.every((p) => off(p) <= 0.04) && Math.hypot(pts[0]!.x - a.x, pts[0]!.y - a.y) <= 0.06 && Math.hypot(pts.at(-1)!.x - b.x, pts.at(-1)!.y - b.y) <= 0.06;
  };
}
const line = (names: string, start: string, end: string, objects: string[], instruction: string, related: boolean): Step => ({
  instruction,
  related,
  plain: `const names = ${names};\nconst a = namedPosition('${start}');\nconst b = namedPosition('${end}');\nnames.forEach((n, i) => {\n  const t = names.length === 1 ? 0.5 : i / (names.length - 1);\n  putOn(n, { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t });\n});`,
  tool: { name: 'arrangeInLine', code: LINE_TOOL, call: `arrangeInLine(${names}, '${start}', '${end}');` },
  judge: onSegment(objects, start, end),
});
const stack = (place: string, instruction: string, related: boolean): Step => ({
  instruction,
  related,
  plain: `const names = ${BLOCKS};\nnames.forEach((n, i) => putOn(n, i === 0 ? '${place}' : names[i - 1]));`,
  tool: { name: 'stackOn', code: STACK_TOOL, call: `stackOn(${BLOCKS}, '${place}');` },
  judge: (_i, after) => isOn(after.objects, 'red block', place) && isOn(after.objects, 'blue block', 'red block') && isOn(after.objects, 'green block', 'blue block'),
});

const STEPS: Step[] = [
  line(BLOCKS, 'top left corner', 'top right corner', ALL, 'line up the blocks along the top side', false),
  {
    instruction: 'put the blocks in the bowls with matching colors',
    related: false,
    plain: "for (const c of ['red', 'blue']) putOn(`${c} block`, `${c} bowl`);",
    judge: (_i, after) => isOn(after.objects, 'red block', 'red bowl') && isOn(after.objects, 'blue block', 'blue bowl'),
  },
  line("['red block', 'green block']", 'left side', 'bottom left corner', ['red block', 'green block'], 'put the red and green blocks in a line down the left side', true),
  stack('middle', 'stack all the blocks on the middle', false),
  {
    instruction: 'put the red block in the blue bowl',
    related: false,
    plain: "putOn('red block', 'blue bowl');",
    judge: (_i, after) => isOn(after.objects, 'red block', 'blue bowl'),
  },
  line(BLOCKS, 'bottom left corner', 'bottom right corner', ALL, 'line the blocks up along the bottom side', true),
  line(BLOCKS, 'bottom left corner', 'top right corner', ALL, 'make a diagonal line of the blocks from the bottom left corner to the top right corner', true),
  stack('top left corner', 'stack the blocks on the top left corner', true),
  {
    instruction: 'move the green block 10 cm to the left',
    related: false,
    plain: "const p = getObject('green block').position;\nputOn('green block', { x: p.x, y: p.y + 0.1 });",
    judge: (i, after) => {
      const [a, b] = [i, after].map((s) => s.objects.find((o) => o.name === 'green block')!.position);
      return Math.abs(b!.y - a!.y - 0.1) < 0.02 && Math.abs(b!.x - a!.x) < 0.02;
    },
  },
  line("['blue block', 'red block']", 'top right corner', 'bottom right corner', ['blue block', 'red block'], 'arrange the blue and red blocks in a row down the right side', true),
];

const fence = (code: string) => '```js\n' + code + '\n```';

/** Plays a model: calls an offered skill that fits, writes a tool when asked for one, else a plain program. */
class ScriptedAuthor implements ChatModel {
  readonly label: string;
  constructor(private readonly slips: boolean) {
    this.label = slips ? 'one slip' : 'careful';
  }
  async complete(messages: ChatMessage[]): Promise<Completion> {
    const system = messages[0]!.content;
    const turn = messages.find((m) => m.role === 'user' && m.content.includes('Instruction: '))!.content;
    const step = STEPS.find((s) => s.instruction === /Instruction: (.*)$/.exec(turn)![1])!;
    const offered = step.tool && system.includes(SKILLS_HEADER) && system.includes(`\n${step.tool.name}(`);
    const asked = turn.includes('This instruction is general');
    const sentBack = messages.at(-1)!.role === 'user' && messages.at(-1)!.content.startsWith('The program was not run');
    const text = offered
      ? fence(step.tool!.call)
      : asked && step.tool
        ? fence(`${step.tool.code(this.slips && !sentBack)}\n\n${step.tool.call}`)
        : fence(step.plain);
    return { text, promptTokens: estimateMessageTokens(messages), completionTokens: estimateTokens(text), model: this.label, ms: 0, estimated: true };
  }
}

interface Row {
  ok: boolean;
  rounds: number;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  offered: string[];
  used: string[];
  stored: string[];
}

async function runOne(step: Step, model: ChatModel, library: SkillLibrary | null): Promise<Row> {
  const opened = await openSimulator(options);
  try {
    const offer = library ? await library.offer(step.instruction) : null;
    const rehearse = library ? await prepareRehearsal(opened, options, opened.backend.state()) : undefined;
    const judge = (initial: StateSnapshot, result: RunResult): Verdict => {
      const done = step.judge(initial, result.state);
      return { done, critique: done ? '' : 'the check does not hold' };
    };
    const outcome = await ask(
      step.instruction,
      {
        model,
        toolsKept: Boolean(library),
        checker: offer?.checker ?? new ProgramChecker(generateDts(opened.primitives)),
        target: { state: () => opened.backend.state(), execute: (source, o) => executeProgram({ source, target: opened, prelude: o.prelude, signal: o.signal }) },
        world: { profile: 'tabletop', primitives: opened.primitives, world: opened.backend.world(), ...(offer?.extraApi ? { extraApi: offer.extraApi } : {}) },
        session: new AskSession(),
        judge,
        ...(offer?.prelude ? { prelude: offer.prelude } : {}),
      },
      { rounds: 3 },
    );
    const learned = library && offer ? await library.learn(step.instruction, outcome, offer, { rehearse }) : null;
    return {
      ok: outcome.ok,
      rounds: outcome.rounds.length,
      requests: outcome.usage.requests,
      promptTokens: outcome.usage.promptTokens,
      completionTokens: outcome.usage.completionTokens,
      offered: offer?.skills.map((s) => s.name) ?? [],
      used: learned?.used.map((u) => u.name) ?? [],
      stored: learned?.stored.map((s) => s.name) ?? [],
    };
  } finally {
    await opened.backend.dispose();
  }
}

const pad = (v: string | number, n: number) => String(v).padStart(n);
const cells = (r: Row) => `${pad(r.rounds, 3)} ${pad(r.requests, 3)} ${pad(r.promptTokens, 6)} ${pad(r.completionTokens, 5)}${r.ok ? '     ' : ' FAIL'}`;
let failed = 0;
console.log(`Skills reuse: ${STEPS.length} instructions (${STEPS.filter((s) => s.related).length} related to an earlier one, ${STEPS.filter((s) => !s.related).length} new tasks), each in a fresh world and session.`);
console.log('Scripted model; real prompt, checker, sandbox, simulator, retrieval and promotion gate; success by a predicate.');
console.log('Tokens are estimated (cl100k-like). Columns: rounds, requests, prompt tokens, completion tokens.\n');
for (const slips of [false, true]) {
  const model = new ScriptedAuthor(slips);
  const dir = mkdtempSync(join(tmpdir(), 'wand-bench-skills-'));
  const library = new SkillLibrary({ dir, profile: 'tabletop', primitives: primitivesFor('tabletop') });
  console.log(`Author "${model.label}"${slips ? ' (a tool written from scratch has one mistake the checker catches; fixed when sent back, not a round)' : ''}:`);
  console.log(`  ${'#'.padEnd(3)}${'without library'.padStart(25)}${'with library'.padStart(26)}   offered -> used; stored`);
  const totals = { without: [0, 0, 0, 0], with: [0, 0, 0, 0] };
  const reuse = { offers: 0, used: 0, offeredUnrelated: 0, unrelated: 0, relatedOffered: 0, related: 0 };
  const storedSoFar = new Set<string>();
  for (const [i, step] of STEPS.entries()) {
    const without = await runOne(step, model, null);
    const withLib = await runOne(step, model, library);
    for (const [row, t] of [[without, totals.without], [withLib, totals.with]] as const) {
      if (!row.ok) failed++;
      t[0]! += row.rounds;
      t[1]! += row.requests;
      t[2]! += row.promptTokens;
      t[3]! += row.completionTokens;
    }
    reuse.offers += withLib.offered.length;
    reuse.used += withLib.used.filter((u) => withLib.offered.includes(u)).length;
    // An unrelated instruction counts once the library holds something that could be offered wrongly.
    if (!step.related && storedSoFar.size) {
      reuse.unrelated++;
      if (withLib.offered.length) reuse.offeredUnrelated++;
    } else if (step.tool && storedSoFar.has(step.tool.name)) {
      reuse.related++;
      if (withLib.offered.includes(step.tool.name)) reuse.relatedOffered++;
    }
    withLib.stored.forEach((s) => storedSoFar.add(s));
    const lib = `${withLib.offered.join(', ') || '-'} -> ${withLib.used.join(', ') || '-'}${withLib.stored.length ? `; stored ${withLib.stored.join(', ')}` : ''}`;
    console.log(`  ${String(i + 1).padEnd(3)}${cells(without).padStart(25)}${cells(withLib).padStart(26)}   ${lib}`);
    console.log(`       ${step.related ? 'related ' : 'new task'} ${step.instruction}`);
  }
  const sum = (t: number[]) => `${pad(t[0]!, 3)} ${pad(t[1]!, 3)} ${pad(t[2]!, 6)} ${pad(t[3]!, 5)}     `;
  console.log(`  ${'sum'.padEnd(3)}${sum(totals.without).padStart(25)}${sum(totals.with).padStart(26)}`);
  const change = (k: number, what: string) => {
    const pct = Math.round((totals.with[k]! / totals.without[k]! - 1) * 100);
    return pct === 0 ? `the same ${what}` : `${Math.abs(pct)}% ${pct < 0 ? 'fewer' : 'more'} ${what}`;
  };
  const rate = reuse.offers ? Math.round((reuse.used / reuse.offers) * 100) : 0;
  console.log(`  reuse rate (offered -> used): ${reuse.used} of ${reuse.offers} offers, ${rate}%  (goal: high)`);
  console.log(`  unrelated instructions offered a skill: ${reuse.offeredUnrelated} of ${reuse.unrelated}  (goal: none)`);
  console.log(`  related instructions offered the stored skill they needed: ${reuse.relatedOffered} of ${reuse.related}`);
  console.log(`  with the library: ${change(0, 'rounds')}, ${change(2, 'prompt tokens')}, ${change(3, 'completion tokens')}\n`);
  if (reuse.offeredUnrelated) failed++;
  rmSync(dir, { recursive: true, force: true });
}
if (failed) {
  console.log(`${failed} run(s) or figure(s) missed their goal`);
  process.exit(1);
}
