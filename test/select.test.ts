import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDts, primitivesFor } from '../primitives/index.ts';
import type { ObjectInfo } from '../primitives/schemas.ts';
import { TABLETOP_WORLD } from '../primitives/tabletop/world.ts';
import { ProgramChecker } from '../src/check/index.ts';
import type { ChatMessage, ChatModel, Completion } from '../src/model/chat.ts';
import { ask, type AskEvent, type AskTarget } from '../src/model/loop.ts';
import type { PromptWorld } from '../src/model/prompt.ts';
import { executeProgram } from '../src/run/execute.ts';
import { SimPool } from '../src/select/pool.ts';
import { sceneFromState } from '../src/select/scene-copy.ts';
import { isOn, movedObjects } from '../src/tasks/predicates.ts';
import { parseScene } from '../sim/tabletop/scene.ts';
import { createTabletopSim } from '../sim/tabletop/sim.ts';
import { wand } from './helpers/cli.ts';
import { startOpenAIServer, type RecordedRequest } from './helpers/openai-server.ts';
import { sceneFile } from './helpers/tabletop.ts';

const prims = primitivesFor('tabletop');
const world: PromptWorld = { profile: 'tabletop', primitives: prims, world: TABLETOP_WORLD };
const checker = new ProgramChecker(generateDts(prims));
const js = (code: string) => '```js\n' + code + '\n```';
const SCENE = {
  objects: [
    { kind: 'block', color: 'red', position: { x: 0.45, y: -0.1 } },
    { kind: 'block', color: 'green', position: { x: 0.55, y: -0.05 } },
    { kind: 'bowl', color: 'blue', position: { x: 0.5, y: 0.15 } },
  ],
};

/** Replies in request order; records what it was sent. */
class Scripted implements ChatModel {
  readonly label = 'scripted';
  readonly sent: ChatMessage[][] = [];
  constructor(private readonly replies: string[]) {}
  async complete(messages: ChatMessage[]): Promise<Completion> {
    this.sent.push(messages);
    const text = this.replies.shift();
    if (text === undefined) throw new Error('the script has no reply left');
    return { text, promptTokens: 10, completionTokens: 5, model: 'scripted', ms: 0 };
  }
}

async function simTarget() {
  const sim = await createTabletopSim(parseScene(SCENE));
  const runs: string[] = [];
  const target: AskTarget = {
    state: () => sim.state(),
    execute: (source, o) => {
      runs.push(source);
      return executeProgram({ source, target: { backend: sim, primitives: prims, label: 'sim' }, signal: o.signal, onEvent: o.onEvent, prelude: o.prelude });
    },
  };
  return { sim, runs, target };
}

const pool = new SimPool({ size: 2 });
beforeAll(async () => {
  await checker.warm();
  await pool.warm();
});
afterAll(() => pool.close());

describe('selection by simulation', () => {
  it('runs only the candidate that works with the fewest calls on the target; the others never touch it', async () => {
    const model = new Scripted([
      js("putOn('red cube', 'blue bowl');"), // unknown object
      js("putOn('green block', 'blue bowl');"), // runs, wrong block
      js("getObject('red block');\nputOn('red block', 'blue bowl');"), // works, 2 calls
      js("putOn('red block', 2);"), // fails the type check
      js("putOn('red block', 'blue bowl');"), // works, 1 call
    ]);
    const { sim, runs, target } = await simTarget();
    const initial = sim.objects();
    const judge = (i: { objects: ObjectInfo[] }, r: { state: { objects: ObjectInfo[] } }) => {
      const done = isOn(r.state.objects, 'red block', 'blue bowl') && movedObjects(i.objects, r.state.objects).join() === 'red block';
      return { done, critique: done ? '' : 'the red block is not in the blue bowl, or something else moved' };
    };
    const events: AskEvent[] = [];
    try {
      const outcome = await ask('put the red block in the blue bowl', { model, checker, target, world, judge, simulator: pool }, {
        samples: 5,
        rounds: 1,
        onEvent: (e) => events.push(e),
      });
      expect(outcome).toMatchObject({ ok: true, stopped: 'done' });
      expect(outcome.usage.requests).toBe(5); // no verifier requests: the predicate judged
      const round = outcome.rounds[0]!;
      expect(round.candidates).toMatchObject({ sampled: 5, tried: 4, succeeded: 2, chosen: 4 });
      expect(round.candidates!.each.map((c) => c.outcome)).toEqual(['failed', 'not_done', 'done', 'check', 'done']);
      expect(round.candidates!.each[0]!.error).toMatchObject({ kind: 'unknown_object' });
      expect(round.candidates!.each.map((c) => c.calls)).toEqual([1, 1, 2, undefined, 1]);
      // Only the winner ran on the real target, and it did the task there.
      expect(runs).toEqual(["putOn('red block', 'blue bowl');\n"]);
      expect(round.program).toBe(runs[0]);
      expect(isOn(sim.objects(), 'red block', 'blue bowl')).toBe(true);
      expect(movedObjects(initial, sim.objects())).toEqual(['red block']);
      expect(outcome.summary[0]).toMatch(/^round 1: 5 candidates, 4 run in simulation, 2 succeeded: #5 chosen \(1 call\); ran; verified done/);
      expect(events.filter((e) => e.type === 'program')).toHaveLength(1);
      expect(events.find((e) => e.type === 'candidates')).toMatchObject({ candidates: { chosen: 4 } });
    } finally {
      await sim.dispose();
    }
  });

  it('feeds every failed candidate back together, then verifies the winner once (the real run reproduces it)', async () => {
    const model = new Scripted([
      js("putOn('red cube', 'blue bowl');"),
      js("putOn('green block', 'blue bowl');"),
      'done: no\ncritique: the green block is in the bowl, not the red one.',
      js("putOn('red block', 'blue bowl');"),
      js("putOn('red block', 'blue bowl');"),
      'done: yes\ncritique: the red block is in the blue bowl.',
    ]);
    const { sim, runs, target } = await simTarget();
    const initial = sim.state();
    try {
      const outcome = await ask('put the red block in the blue bowl', { model, checker, target, world, simulator: pool }, { samples: 2, rounds: 2 });
      expect(outcome.ok).toBe(true);
      const [first, second] = outcome.rounds;
      expect(first).toMatchObject({ result: null, candidates: { sampled: 2, tried: 2, succeeded: 0, chosen: null } });
      expect(first!.candidates!.each.map((c) => c.outcome)).toEqual(['failed', 'not_done']);
      expect(outcome.summary[0]).toBe('round 1: 2 candidates, 2 run in simulation, 0 succeeded (1 unknown_object, 1 not_done); nothing run on the target');
      // Nothing moved for real after round 1: the world shown to the model is the initial one.
      const [program2a, , verify2] = model.sent.slice(3);
      const [assistant, feedback] = program2a!.slice(-2);
      expect(assistant).toEqual({
        role: 'assistant',
        content: "Program 1:\n```js\nputOn('red cube', 'blue bowl');\n```\n\nProgram 2:\n```js\nputOn('green block', 'blue bowl');\n```",
      });
      expect(feedback!.content).toContain('None of your 2 programs did the task');
      expect(feedback!.content).toContain('- red block (0.450, -0.100, 0.020)');
      expect(feedback!.content).toMatch(/Program 1 ran in simulation and failed\.\nError: unknown_object \(line 1 `putOn\('red cube', 'blue bowl'\);`, in putOn\): putOn: there is no object named "red cube"/);
      expect(feedback!.content).toContain('Program 2 ran in simulation without error, but the task was not done: the green block is in the bowl, not the red one.');
      expect(feedback!.content).toMatch(/Moved \(in simulation\): green block \(0\.550, -0\.050, 0\.020\) -> \(0\.5\d\d, 0\.1\d\d, 0\.0\d\d\)/);
      expect(verify2![0]!.role).toBe('system');
      // Round 2: two identical candidates run once; its verdict stands because the target ended the same.
      expect(second!.candidates).toMatchObject({ sampled: 2, tried: 1, succeeded: 1, chosen: 0 });
      expect(second!.candidates!.each[1]).toMatchObject({ outcome: 'duplicate', duplicateOf: 0 });
      expect(model.sent).toHaveLength(6);
      expect(runs).toHaveLength(1);
      expect(movedObjects(initial.objects, sim.objects())).toEqual(['red block']);
    } finally {
      await sim.dispose();
    }
  });
});

describe('scene copy of the current world', () => {
  it('keeps blocks in bowls and stacks, rests interpenetrating objects on top and leaves out fallen ones', () => {
    const o = (name: string, x: number, y: number, z: number): ObjectInfo => {
      const [color, kind] = name.split(' ') as [ObjectInfo['color'], ObjectInfo['kind']];
      return { name, kind, color, position: { x, y, z }, size: { x: 0.04, y: 0.04, z: 0.04 } };
    };
    const { scene, left } = sceneFromState([
      o('red block', 0.5, 0.1, 0.026), // in the bowl, on its floor
      o('blue bowl', 0.5, 0.1, 0.025),
      o('green block', 0.3, 0, 0.0199), // rounding put it a hair into the table
      o('yellow block', 0.31, 0.005, 0.055), // on green, tilted: now meets cyan, so it rests on top
      o('cyan block', 0.32, 0.01, 0.04), // interpenetrates green: rests on top of the stack
      o('pink block', 1.2, 0, -0.3), // fell off the table
    ]);
    expect(left).toEqual(['pink block']);
    const z = Object.fromEntries(scene.objects.map((s) => [s.name, s.position.z]));
    expect(z).toEqual({ 'green block': 0.02, 'blue bowl': 0.025, 'red block': 0.026, 'cyan block': 0.06, 'yellow block': 0.1 });
  });
});

describe('wand ask --samples', () => {
  it('tries K candidates from the OpenAI endpoint in worker threads and runs the one that worked', async () => {
    const server = await startOpenAIServer();
    const candidates = [js("putOn('red cube', 'blue bowl');"), js("putOn('red block', 'blue bowl');"), js("putOn('red block', 'blue bowl');")];
    const reply = (req: RecordedRequest): string =>
      String(req.body.messages[0].content).startsWith('You check whether') ? 'done: yes\ncritique: the red block is in the blue bowl.' : candidates.shift()!;
    server.push(reply, reply, reply, reply);
    try {
      const scene = sceneFile(SCENE.objects);
      const r = await wand(['ask', 'put the red block in the blue bowl', '--scene', scene, '--samples', '3', '--no-skills', '--json'], {
        env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: server.url, WAND_MODEL: 'test-model' },
      });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ ok: true, stopped: 'done', usage: { requests: 4 } });
      const round = out.rounds[0];
      expect(round.candidates).toMatchObject({ sampled: 3, tried: 2, succeeded: 1 });
      expect(round.program).toBe("putOn('red block', 'blue bowl');\n");
      expect(round.candidates.each[round.candidates.chosen]).toMatchObject({ outcome: 'done', calls: 1 });
      expect(round.candidates.each.map((c: { outcome: string }) => c.outcome).sort()).toEqual(['done', 'duplicate', 'failed']);
      // Only the chosen program ran for real.
      expect(round.result.calls).toHaveLength(1);
      expect(isOn(out.final.state.objects, 'red block', 'blue bowl')).toBe(true);
      expect(server.chats()).toHaveLength(4);
    } finally {
      await server.close();
    }
  });
});
