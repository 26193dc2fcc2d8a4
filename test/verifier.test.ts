import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateDts } from '../primitives/dts.ts';
import { RELATIONS } from '../primitives/tabletop/vocabulary.ts';
import { TABLETOP_WORLD } from '../primitives/tabletop/world.ts';
import { carelessProgram, contradictions, readVerifyRequest } from '../src/bench/scripted.ts';
import { openSimulator } from '../src/backends/open.ts';
import { ProgramChecker } from '../src/check/index.ts';
import { OpenAIChatModel } from '../src/model/client.ts';
import { ask } from '../src/model/loop.ts';
import { verificationFacts } from '../src/model/facts.ts';
import { parseVerdict } from '../src/model/verify.ts';
import { executeProgram } from '../src/run/execute.ts';
import { generateEpisodes } from '../src/tasks/suite.ts';
import { wand } from './helpers/cli.ts';
import { startOpenAIServer, type OpenAIServer, type RecordedRequest } from './helpers/openai-server.ts';
import { sceneFile } from './helpers/tabletop.ts';

const js = (code: string) => '```js\n' + code + '\n```';
const NO_MODEL_ENV = { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', WAND_MODEL: '', WAND_VERIFIER_MODEL: '' };

let server: OpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A verifier played over HTTP that answers from the facts it is sent, citing them. */
const readsFacts = (req: RecordedRequest) => {
  const { instruction, facts } = readVerifyRequest(req.body.messages);
  const against = contradictions(instruction, facts);
  const used = facts.filter((f) => f.includes(' - ')).join('; ');
  return against.length ? `done: no\nfacts: ${against.join('; ')}\ncritique: not every block is on the side.` : `done: yes\nfacts: ${used}\ncritique: ok`;
};

describe('reading verdicts', () => {
  it('keeps the facts the verifier says it used, on one line or as a list', () => {
    expect(parseVerdict('done: no\nfacts: red block - bottom side: 10 cm away, not on it\ncritique: two blocks are off the side.')).toEqual({
      done: false,
      facts: 'red block - bottom side: 10 cm away, not on it',
      critique: 'two blocks are off the side.',
    });
    expect(parseVerdict('done: yes\nfacts:\n- a on it\n- b on it\ncritique: all on it')).toMatchObject({ done: true, facts: '- a on it - b on it' });
    expect(parseVerdict('{"done": false, "facts": ["x not on it"], "critique": "no"}')).toEqual({ done: false, facts: 'x not on it', critique: 'no' });
    expect(parseVerdict('done: yes\ncritique: fine').facts).toBeUndefined();
  });
});

describe("Wand's facts for the verifier", () => {
  const obj = (name: string, x: number, y: number, z = 0.02) => ({
    name,
    kind: name.endsWith('bowl') ? ('bowl' as const) : ('block' as const),
    color: name.split(' ')[0] as 'red',
    position: { x, y, z },
    size: name.endsWith('bowl') ? { x: 0.12, y: 0.12, z: 0.05 } : { x: 0.04, y: 0.04, z: 0.04 },
  });
  const state = (...objects: ReturnType<typeof obj>[]) => ({ robot: {}, holding: null, objects });
  const facts = (instruction: string, before: ReturnType<typeof state>, after: ReturnType<typeof state>) =>
    verificationFacts(instruction, before, after, TABLETOP_WORLD, 'tabletop');

  it('measures a direction from where the reference was, ranks "closest" and "n-th from" as things were, and names what else moved', () => {
    const before = state(obj('blue bowl', 0.5, 0), obj('red block', 0.3, -0.2), obj('green block', 0.62, 0.1), obj('yellow block', 0.4, 0.2));
    const after = state(obj('blue bowl', 0.515, 0), obj('red block', 0.5, 0.11), obj('green block', 0.62, 0.1), obj('yellow block', 0.4, 0.2));
    const left = facts('Put the red block a little to the left of the blue bowl.', before, after);
    expect(left).toContain('red block from where the blue bowl was: 11 cm towards the left, 0 cm off that line; a little to the left of it (5–14 cm, ≤ 5 cm off): yes');
    expect(left.at(-2)).toBe('other objects that moved more than 1 cm: none'); // the bowl is named: its own line says it moved
    expect(left.find((f) => f.startsWith('blue bowl at'))).toMatch(/moved 1\.5 cm/);
    expect(facts('Put the block closest to the blue bowl on the top side.', before, after)).toContain(
      'blocks by distance to the blue bowl when the instruction was given: green block 15.6 cm, yellow block 22.4 cm, red block 28.3 cm',
    );
    expect(facts('Put the second block from the top on the middle.', before, after)).toContain(
      'blocks counted from the top when the instruction was given: 1. green block, 2. yellow block, 3. red block',
    );
  });

  it('says whether the blocks form a line and what each block of a stack rests on', () => {
    const before = state(obj('red block', 0.3, -0.1), obj('green block', 0.5, 0), obj('blue block', 0.6, 0.2));
    const row = state(obj('red block', 0.3, -0.1), obj('green block', 0.3, 0), obj('blue block', 0.32, 0.1));
    expect(facts('Arrange the blocks in a horizontal line.', before, row)).toContainEqual(expect.stringMatching(/^line of the blocks: x spread 2 cm, y spread 20 cm, .*horizontal: yes, vertical: no, diagonal: no .*apart: yes\)$/));
    const tower = state(obj('red block', 0.5, 0), obj('green block', 0.5, 0, 0.06), obj('blue block', 0.51, 0, 0.1));
    expect(facts('Stack the blocks on the middle.', before, tower)).toContain('stack, bottom to top: red block on the table, green block on the red block, blue block on the green block');
  });
});

describe('the verifier checks instead of trusting', () => {
  // "Put all the blocks on the bottom side", done carelessly: the blocks in a row along the side, 10 cm apart.
  const scene = sceneFile([
    { kind: 'block', color: 'red', position: { x: 0.45, y: 0.1 } },
    { kind: 'block', color: 'green', position: { x: 0.5, y: -0.1 } },
    { kind: 'block', color: 'blue', position: { x: 0.6, y: 0 } },
    { kind: 'bowl', color: 'purple', position: { x: 0.65, y: 0.2 } },
  ]);
  const instruction = 'Put all the blocks on the bottom side.';
  const careless = carelessProgram({ instruction, solution: '' } as never);

  it('sees the program, its calls and the measured facts with their tolerances, says not done and cites the facts', async () => {
    const good = "for (const b of ['red block', 'green block', 'blue block']) putOn(b, 'bottom side');";
    server = await startOpenAIServer([js(careless), readsFacts, js(good), readsFacts]);
    const opened = await openSimulator({ world: 'tabletop', backend: 'sim', seed: 0, rehearse: true, scenePath: scene });
    try {
      const model = new OpenAIChatModel({ baseURL: server.url, apiKey: 'k', model: 'coder', timeoutMs: 10_000, maxRetries: 0, stream: false });
      const outcome = await ask(instruction, {
        model,
        checker: new ProgramChecker(generateDts(opened.primitives)),
        target: { state: () => opened.backend.state(), execute: (source, o) => executeProgram({ source, target: opened, signal: o.signal }) },
        world: { profile: 'tabletop', primitives: opened.primitives, world: opened.backend.world() },
      });
      const [, verify] = server.chats();
      const [system, user] = verify!.body.messages;
      // The tolerances are stated...
      for (const r of RELATIONS) expect(system.content).toContain(`- ${r.relation}: ${r.holds}`);
      expect(system.content).not.toContain('small offsets of a few centimetres are fine');
      // ...and the request carries the program, its calls and Wand's facts for what the instruction names.
      expect(user.content).toContain(`Program:\n\`\`\`js\n${careless}\n\`\`\``);
      expect(user.content).toMatch(/Calls made:\nok {3}line 1: getObjects\(\)\nok {3}line 2: putOn\("red block", \{"x":0\.25,"y":0\}\)/);
      expect(user.content).toMatch(/- red block - bottom side: [\d.]+ cm away, on it \(on = within 6 cm\)/);
      expect(user.content).toMatch(/- green block - bottom side: (9|10)(\.\d)? cm away, not on it \(on = within 6 cm\)/);
      expect(user.content).toMatch(/- blue block - bottom side: (19|20)(\.\d)? cm away, not on it/);
      expect(user.content).toContain('- other objects that moved more than 1 cm: none');

      // The careless run is not done, with the facts it rests on; the second round fixes it.
      expect(outcome.rounds[0]!.verdict).toMatchObject({ done: false, by: 'model', facts: expect.stringMatching(/green block - bottom side: .* not on it/) });
      expect(server.chats()[2]!.body.messages.at(-1).content).toContain('the task is not done: not every block is on the side.');
      expect(outcome).toMatchObject({ ok: true, rounds: [{}, { verdict: { done: true, by: 'model' } }] });
    } finally {
      await opened.backend.dispose();
    }
  });

  it('asks a separate model when WAND_VERIFIER_MODEL is set', async () => {
    server = await startOpenAIServer([js("putOn('red block', 'bottom side');"), readsFacts]);
    const r = await wand(['ask', 'put the red block on the bottom side', '--scene', scene, '--json'], {
      cwd: mkdtempSync(join(tmpdir(), 'wand-verifier-')),
      env: { ...NO_MODEL_ENV, OPENAI_BASE_URL: server.url, WAND_MODEL: 'coder', WAND_VERIFIER_MODEL: 'judge' },
    });
    expect(r.code).toBe(0);
    expect(server.chats().map((c) => c.body.model)).toEqual(['coder', 'judge']);
    expect(JSON.parse(r.stdout).rounds[0].verdict).toMatchObject({ done: true, by: 'model', facts: expect.stringContaining('red block - bottom side') });
  });
});

describe('wand bench --verifier model', () => {
  it('counts false "done" verdicts per template, and runs the oracle with a model verifier', async () => {
    const [onPlace] = generateEpisodes({ split: 'seen', episodes: 1, seed: 0, templates: ['block-on-place'] });
    const wrong = onPlace!.solution.replace(/"[^"]+"\);$/, '"middle");');
    // The model puts the block in the wrong place and its verifier believes it: a false "done".
    server = await startOpenAIServer([js(wrong), 'done: yes\ncritique: looks right']);
    const env = { ...NO_MODEL_ENV, OPENAI_BASE_URL: server.url, WAND_MODEL: 'test-model' };
    const r = await wand(['bench', '--split', 'seen', '--template', 'block-on-place', '--verifier', 'model', '--json'], { env });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.episodes[0]).toMatchObject({ success: false, failure: 'false_done' });
    expect(json.byTemplate[0]).toMatchObject({ template: 'block-on-place', all: { falseDone: 1 } });
    expect(json.summary.falseDone).toBe(1);

    // The oracle writes, the endpoint's model verifies from the facts: no false verdict either way.
    server.push(readsFacts, readsFacts);
    const oracle = await wand(['bench', '--llm', 'oracle', '--split', 'seen', '--template', 'block-on-place,block-in-bowl', '--verifier', 'model'], { env });
    expect(oracle.code).toBe(0);
    expect(oracle.stdout).toMatch(/False done/);
    expect(oracle.stdout).toMatch(/All .* 2\/2 100% .* 0\n/);
    expect(oracle.stdout).toContain('False done: episodes the verifier called done that the predicate rejects (goal: none; here 0).');
  });
});
