import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiText, generateDts, primitivesFor } from '../primitives/index.ts';
import type { StateSnapshot } from '../primitives/backend.ts';
import { vocabularyText } from '../primitives/tabletop/vocabulary.ts';
import { NAMED_POSITIONS, TABLETOP_WORLD } from '../primitives/tabletop/world.ts';
import { ProgramChecker } from '../src/check/index.ts';
import { OpenAIChatModel } from '../src/model/client.ts';
import { ask, type AskEvent, type AskTarget } from '../src/model/loop.ts';
import type { CallRecord, RunResult } from '../src/run/result.ts';
import type { PromptWorld } from '../src/model/prompt.ts';
import { AskSession } from '../src/model/session.ts';
import { startOpenAIServer, type OpenAIServer, type Scripted } from './helpers/openai-server.ts';

const prims = primitivesFor('tabletop');
const world: PromptWorld = { profile: 'tabletop', primitives: prims, world: TABLETOP_WORLD };
const checker = new ProgramChecker(generateDts(prims));
const js = (code: string) => '```js\n' + code + '\n```';
const YES = 'done: yes\ncritique: the red block is in the blue bowl.';

let server: OpenAIServer | undefined;
beforeAll(() => checker.warm());
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(script: Scripted[], opts: { stream?: boolean; timeoutMs?: number; maxRetries?: number } = {}) {
  server = await startOpenAIServer(script);
  const model = new OpenAIChatModel({
    baseURL: server.url,
    apiKey: 'test-key',
    model: 'test-model',
    timeoutMs: opts.timeoutMs ?? 5000,
    maxRetries: opts.maxRetries ?? 2,
    stream: opts.stream ?? false,
  });
  const target = fakeTarget();
  const events: AskEvent[] = [];
  const session = new AskSession();
  const run = (instruction: string, rounds = 3, verify = true, helperDepth?: number, fixups?: number) =>
    ask(instruction, { model, checker, target, world, session }, { rounds, verify, helperDepth, fixups, onEvent: (e) => events.push(e) });
  return { server, target, events, session, run };
}

/** The text of the last message of a recorded chat request. */
const lastMessage = (req: { body: any }) => req.body.messages.at(-1).content as string;

describe('wand ask loop over a real OpenAI-compatible HTTP server', () => {
  for (const stream of [false, true]) {
    it(`succeeds on the first try (${stream ? 'streaming' : 'JSON'}) and sends the API, observation and instruction`, async () => {
      const { server, target, events, run } = await setup([js("putOn('red block', 'blue bowl');"), YES], { stream });
      const outcome = await run('put the red block in the blue bowl');
      expect(outcome).toMatchObject({ ok: true, stopped: 'done', rounds: [{ check: { ok: true }, verdict: { done: true } }] });
      expect(target.runs).toEqual(["putOn('red block', 'blue bowl');\n"]);

      const [first, verify] = server.chats();
      expect(first!.body).toMatchObject({ model: 'test-model', stream });
      const [system, user] = first!.body.messages;
      expect(system.role).toBe('system');
      expect(system.content).toContain(apiText(prims)); // the generated API, verbatim
      expect(system.content).toContain(vocabularyText(TABLETOP_WORLD)); // the spatial vocabulary, verbatim
      expect(system.content).toContain('x: top 0.75, middle 0.5, bottom 0.25; y: left 0.25, middle 0, right -0.25');
      expect(user.content).toContain('- red block (0.400, -0.100, 0.020)');
      expect(user.content).toMatch(/Instruction: put the red block in the blue bowl$/);
      // The verifier sees the instruction and the world before and after.
      expect(lastMessage(verify!)).toContain('Instruction: put the red block in the blue bowl');
      expect(lastMessage(verify!)).toMatch(/Moved: red block \(0\.400, -0\.100, 0\.020\) -> \(0\.600, 0\.100, 0\.065\)/);

      expect(outcome.usage.requests).toBe(2);
      expect(outcome.usage.promptTokens).toBeGreaterThan(100);
      expect(outcome.usage.completionTokens).toBeGreaterThan(5);
      if (stream) expect(events.some((e) => e.type === 'delta')).toBe(true);
      expect(events.map((e) => e.type).filter((t) => t !== 'delta' && t !== 'run')).toEqual([
        'start', 'round', 'request', 'reply', 'program', 'check', 'result', 'request', 'reply', 'verdict', 'end',
      ]);
    });
  }

  it('feeds a runtime error (a wrong object name) back and the model fixes it', async () => {
    const { server, target, run } = await setup([js("putOn('red cube', 'blue bowl');"), js("putOn('red block', 'blue bowl');"), YES]);
    const outcome = await run('put the red block in the blue bowl');
    expect(outcome.ok).toBe(true);
    expect(outcome.rounds).toHaveLength(2);
    expect(outcome.rounds[0]!.result).toMatchObject({ ok: false, error: { kind: 'unknown_object', line: 1 } });
    expect(target.runs).toHaveLength(2);
    const feedback = lastMessage(server.chats()[1]!);
    expect(feedback).toContain('Error: unknown_object (line 1 `putOn(\'red cube\', \'blue bowl\');`, in putOn): putOn: there is no object named "red cube"');
    expect(feedback).toContain('FAIL line 1: putOn("red cube", "blue bowl") - the error above');
    expect(feedback).toContain('Moved: nothing');
    // The model's own program is in the conversation, before the feedback.
    expect(server.chats()[1]!.body.messages.at(-2)).toMatchObject({ role: 'assistant', content: js("putOn('red cube', 'blue bowl');") });
  });

  it('catches a type error before anything moves and sends it back at once, without using up a round', async () => {
    const { server, target, events, run } = await setup([js("const n = 2;\nputOn('red block', n);"), js("putOn('red block', 'blue bowl');"), YES]);
    const outcome = await run('put the red block in the blue bowl', 1);
    expect(outcome.ok).toBe(true);
    expect(outcome.rounds).toHaveLength(1);
    expect(outcome.rounds[0]!.fixups).toMatchObject([{ program: "const n = 2;\nputOn('red block', n);\n", check: { ok: false, diagnostics: [{ line: 2, code: 2345 }] } }]);
    expect(outcome.rounds[0]).toMatchObject({ check: { ok: true }, result: { ok: true }, verdict: { done: true } });
    expect(outcome.summary).toEqual([expect.stringMatching(/^round 1: checks corrected once, then ran; verified done/)]);
    expect(events.find((e) => e.type === 'fixup')).toEqual({ type: 'fixup', round: 1, fixup: 1, max: 2 });
    expect(target.runs).toEqual(["putOn('red block', 'blue bowl');\n"]); // the failing draft never ran
    const feedback = lastMessage(server.chats()[1]!);
    expect(feedback).toContain('The program was not run');
    expect(feedback).toContain("- line 2 `putOn('red block', n);`: Argument of type 'number' is not assignable to parameter of type 'string | Point'.");
  });

  it('asks for an undefined helper, then runs the composed program', async () => {
    const { server, target, events, run } = await setup([
      js("putAway('red block');"),
      js("function putAway(name) {\n  putOn(name, 'blue bowl');\n}"),
      YES,
    ]);
    const outcome = await run('put the red block away');
    expect(outcome.ok).toBe(true);
    const helperRequest = lastMessage(server.chats()[1]!);
    expect(helperRequest).toContain('Your program calls putAway, which does not exist yet');
    expect(helperRequest).toContain("putAway('red block')");
    expect(target.runs[0]).toBe("putAway('red block');\n\n// Helper functions, written on request.\nfunction putAway(name) {\n  putOn(name, 'blue bowl');\n}\n");
    expect(outcome.rounds[0]!.program).toBe(target.runs[0]);
    expect(events.find((e) => e.type === 'helper')).toMatchObject({ name: 'putAway', code: expect.stringContaining('function putAway') });
  });

  it('defines helpers recursively up to the depth limit and reuses them in later instructions', async () => {
    const { server, target, run } = await setup([
      js("tidy();"),
      js("function tidy() {\n  binRed();\n}"),
      js("function binRed() {\n  putOn('red block', 'blue bowl');\n}"),
      js("tidy();"),
    ]);
    expect((await run('tidy up', 1, false)).ok).toBe(true);
    expect(target.runs[0]).toMatch(/^tidy\(\);\n\n\/\/ Helper functions, written on request\.\nfunction tidy\(\) \{\n  binRed\(\);\n\}\n\nfunction binRed\(\)/);
    expect(lastMessage(server.chats()[2]!)).toContain('Your program calls binRed');
    // The next instruction calls tidy() again: the session's definitions are reused, no new requests.
    expect((await run('tidy up again', 1, false)).ok).toBe(true);
    expect(server.chats()).toHaveLength(4);
    expect(target.runs[1]).toContain('function binRed()');
  });

  it('stops asking for helpers at the depth limit; the check reports what is still undefined', async () => {
    const { server, target, run } = await setup([js('a();'), js('function a() {\n  b();\n}')]);
    const outcome = await run('go', 1, false, 1, 0);
    expect(server.chats()).toHaveLength(2);
    expect(outcome.rounds[0]).toMatchObject({ result: null, check: { ok: false, diagnostics: [{ line: 5, message: "Cannot find name 'b'." }] } });
    expect(target.runs).toHaveLength(0);
  });

  it('retries a 429 and a 500 with back-off, then succeeds', async () => {
    const { server, run } = await setup([
      { status: 429, headers: { 'retry-after-ms': '20' } },
      { status: 500, headers: { 'retry-after-ms': '20' } },
      js("putOn('red block', 'blue bowl');"),
      YES,
    ]);
    const outcome = await run('put the red block in the blue bowl');
    expect(outcome.ok).toBe(true);
    expect(server.chats()).toHaveLength(4);
    expect(server.chats()[2]!.body).toEqual(server.chats()[0]!.body); // the same request, retried
    expect(outcome.usage.requests).toBe(2);
  });

  for (const stream of [false, true]) {
    it(`says a reply that did not come in time is late, naming the setting, and never sends it again (${stream ? 'streaming' : 'JSON'})`, async () => {
      const { server, target, run } = await setup([{ hang: true }, { hang: true }], { timeoutMs: 300, maxRetries: 2, stream });
      const outcome = await run('put the red block in the blue bowl');
      expect(outcome).toMatchObject({ ok: false, stopped: 'error', error: { kind: 'timeout' } });
      expect(outcome.error!.message).toMatch(/did not answer within 0\.3 s, so Wand stopped waiting \(the request was not sent again\); set WAND_MODEL_TIMEOUT_S to wait longer/);
      await new Promise((r) => setTimeout(r, 400)); // a re-sent request would arrive meanwhile
      expect(server.chats()).toHaveLength(1);
      expect(target.runs).toHaveLength(0);
    });
  }

  it('says which endpoint could not be reached when nothing listens there', async () => {
    const closed = await startOpenAIServer();
    const url = closed.url;
    await closed.close();
    const model = new OpenAIChatModel({ baseURL: url, apiKey: 'k', model: 'm', timeoutMs: 2000, maxRetries: 0, stream: false });
    const outcome = await ask('go', { model, checker, target: fakeTarget(), world });
    expect(outcome).toMatchObject({ ok: false, stopped: 'error', error: { kind: 'connection' } });
    expect(outcome.error!.message).toBe(`cannot reach the model endpoint at ${url}: ECONNREFUSED`);
  });

  it('asks again at once when the reply has no code', async () => {
    const { server, run } = await setup(['I would pick up the red block and put it in the bowl.', js("putOn('red block', 'blue bowl');"), YES]);
    const outcome = await run('put the red block in the blue bowl', 1);
    expect(outcome.ok).toBe(true);
    expect(outcome.rounds[0]!.fixups).toMatchObject([{ program: null, check: { ok: false, diagnostics: [{ source: 'extract' }] } }]);
    expect(lastMessage(server.chats()[1]!)).toBe('Your reply has no program. Nothing was run. Reply with the whole program in one ```js code block.');
  });

  it('starts another round when the verifier says the task is not done', async () => {
    const { server, run } = await setup([
      js("putOn('green block', 'blue bowl');"),
      'done: no\ncritique: the green block was moved, not the red one.',
      js("putOn('red block', 'blue bowl');"),
      YES,
    ]);
    const outcome = await run('put the red block in the blue bowl');
    expect(outcome.ok).toBe(true);
    expect(outcome.rounds[0]!.verdict).toEqual({ done: false, critique: 'the green block was moved, not the red one.', by: 'model' });
    expect(lastMessage(server.chats()[2]!)).toContain('the task is not done: the green block was moved, not the red one.');
  });

  it('stops when the round budget is spent and says what was tried', async () => {
    const { server, target, run } = await setup([js("putOn('red cube', 'blue bowl');"), 'no idea', 'still none', js('putOn(1);')]);
    const outcome = await run('put the red block in the blue bowl', 2);
    expect(outcome).toMatchObject({ ok: false, stopped: 'budget', final: { ok: false } });
    expect(outcome.summary).toEqual([
      expect.stringMatching(/^round 1: ran and failed: unknown_object .*"red cube"/),
      // Two corrections at once, then the round counts: a model that cannot write a checked program does not loop forever.
      expect.stringMatching(/^round 2: checks failed, nothing moved \(line 1: .*\) after 2 corrections of the checks$/),
    ]);
    expect(outcome.rounds[1]!.fixups).toHaveLength(2);
    expect(server.chats()).toHaveLength(4);
    expect(target.runs).toHaveLength(1);
  });

  it('shows a follow-up instruction the earlier instruction, program and outcome', async () => {
    const { server, run } = await setup([js("putOn('red block', 'blue bowl');"), js("putOn('green block', 'blue bowl');")]);
    expect((await run('put the red block in the blue bowl', 1, false)).ok).toBe(true);
    expect((await run('now do the same with the green block', 1, false)).ok).toBe(true);
    const messages = server.chats()[1]!.body.messages;
    expect(messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(messages[1].content).toContain('Instruction: put the red block in the blue bowl');
    expect(messages[2].content).toBe(js("putOn('red block', 'blue bowl');"));
    expect(messages[3].content).toContain('outcome: done');
    expect(messages[3].content).toContain('- red block (0.600, 0.100, 0.065)'); // the world as it is now
    expect(messages[3].content).toMatch(/Instruction: now do the same with the green block$/);
    // Static first: the system message is byte-identical across requests, for prompt caching.
    expect(messages[0]).toEqual(server.chats()[0]!.body.messages[0]);
  });
});

// A stand-in for executeProgram in loop tests: it understands `putOn('a', 'b')` lines only, moves
// objects accordingly and fails on unknown names the way the real primitives do. Deterministic and fast.

interface FakeTarget extends AskTarget {
  runs: string[];
}

function fakeTarget(names = ['red block', 'green block', 'blue bowl']): FakeTarget {
  const objects = names.map((name, i) => ({
    name,
    kind: name.endsWith('bowl') ? ('bowl' as const) : ('block' as const),
    color: name.split(' ')[0] as 'red',
    position: { x: 0.4 + 0.1 * i, y: -0.1 + 0.1 * i, z: name.endsWith('bowl') ? 0.025 : 0.02 },
    size: { x: 0.04, y: 0.04, z: 0.04 },
  }));
  const state = (): StateSnapshot => structuredClone({ robot: {}, holding: null, objects });
  const runs: string[] = [];
  return {
    runs,
    state,
    async execute(source) {
      runs.push(source);
      const calls: CallRecord[] = [];
      const lines = source.split('\n');
      let error: RunResult['error'] = null;
      for (let i = 0; i < lines.length && !error; i++) {
        const m = /putOn\('([^']+)', '([^']+)'\)/.exec(lines[i]!);
        if (!m) continue;
        const [, what, where] = m as unknown as [string, string, string];
        const obj = objects.find((o) => o.name === what);
        const dest = objects.find((o) => o.name === where)?.position ?? NAMED_POSITIONS[where];
        const record: CallRecord = { primitive: 'putOn', args: [what, where], ok: true, ms: 1, line: i + 1 };
        if (!obj || !dest) {
          const missing = !obj ? what : where;
          const known = objects.map((o) => `"${o.name}"`).join(', ');
          const message = `putOn: there is no object named "${missing}"; known objects: ${known}`;
          Object.assign(record, { ok: false, error: message });
          error = { kind: 'unknown_object', message, line: i + 1, primitive: 'putOn' };
        } else {
          obj.position = { x: dest.x, y: dest.y, z: dest.z + 0.04 };
        }
        calls.push(record);
      }
      return { ok: !error, error, output: [], calls, state: state(), world: TABLETOP_WORLD, simTimeS: 1, wallTimeMs: 1 };
    },
  };
}
