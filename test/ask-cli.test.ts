import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { apiText, primitivesFor } from '../primitives/index.ts';
import { ROOT, WAND, wand } from './helpers/cli.ts';
import { startOpenAIServer, type OpenAIServer } from './helpers/openai-server.ts';

// `wand ask` as a person runs it: the real CLI, simulator and sandbox, with the model played by a
// loopback OpenAI-compatible server (or by standard input with --llm manual).

const SCENE = join(ROOT, 'examples/scene.json');
const js = (code: string) => '```js\n' + code + '\n```';
const NO_MODEL_ENV = { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', WAND_MODEL: '' };

let server: OpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('wand ask', () => {
  it('exits non-zero with one sentence naming OPENAI_API_KEY and OPENAI_BASE_URL when no endpoint is configured', async () => {
    const r = await wand(['ask', 'put the red block in the blue bowl'], { env: NO_MODEL_ENV });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^wand: no language model is configured: set OPENAI_API_KEY .* OPENAI_BASE_URL .*\n$/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--json: a wrong object name fails in the simulator, is fed back, fixed and verified', async () => {
    server = await startOpenAIServer([
      js("putOn('red cube', 'blue bowl');"),
      js("putOn('red block', 'blue bowl');"),
      'done: yes\ncritique: the red block is in the blue bowl.',
    ]);
    const cwd = mkdtempSync(join(tmpdir(), 'wand-ask-'));
    const r = await wand(['ask', 'put the red block in the blue bowl', '--scene', SCENE, '--json'], {
      cwd,
      env: { ...NO_MODEL_ENV, OPENAI_BASE_URL: server.url },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).slice(0, 6)).toEqual(['ok', 'instruction', 'rounds', 'final', 'usage', 'transcript']);
    expect(out).toMatchObject({ ok: true, instruction: 'put the red block in the blue bowl', usage: { requests: 3 } });
    expect(out.rounds).toHaveLength(2);
    expect(out.rounds[0]).toMatchObject({
      program: "putOn('red cube', 'blue bowl');\n",
      check: { ok: true, diagnostics: [] },
      result: { ok: false, error: { kind: 'unknown_object', line: 1, primitive: 'putOn' } },
    });
    expect(out.rounds[1]).toMatchObject({ check: { ok: true }, result: { ok: true }, verdict: { done: true } });
    expect(out.final).toEqual(out.rounds[1].result);
    const red = out.final.state.objects.find((o: { name: string }) => o.name === 'red block');
    expect(Math.hypot(red.position.x - 0.65, red.position.y - 0.15)).toBeLessThan(0.05);

    // Without WAND_MODEL, a local server's first listed model is used.
    expect(server.requests[0]!.url).toBe('/v1/models');
    const [first, second, verify] = server.chats();
    expect(first!.body.model).toBe('test-model');
    expect(first!.body.messages[0].content).toContain(apiText(primitivesFor('tabletop')));
    expect(first!.body.messages[1].content).toMatch(/- red block \(0\.400, 0\.120, 0\.0\d\d\)/);
    expect(second!.body.messages.at(-1).content).toContain('putOn: there is no object named "red cube"; known objects:');
    expect(verify!.body.messages.at(-1).content).toMatch(/Moved: .*red block \(0\.400, 0\.120, 0\.0\d\d\) -> \(0\.6\d\d, 0\.1\d\d/);

    const lines = readFileSync(join(cwd, out.transcript), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual([
      'session', 'instruction',
      'request', 'reply', 'program', 'check', 'result',
      'request', 'reply', 'program', 'check', 'result',
      'request', 'reply', 'verdict', 'end',
    ]);
    expect(lines[2].messages).toEqual(first!.body.messages);
  });

  it('--llm manual prints the prompt on standard error, reads replies from standard input, and runs follow-ups', async () => {
    const r = await wand(
      ['ask', 'put the blue block in the red bowl', 'now do the same with the red block and the blue bowl', '--scene', SCENE, '--llm', 'manual', '--no-verify', '--json'],
      {
        cwd: mkdtempSync(join(tmpdir(), 'wand-ask-')),
        env: NO_MODEL_ENV,
        stdin: `${js("putOn('blue block', 'red bowl');")}\n.\n${js("putOn('red block', 'blue bowl');")}\n.\n`,
      },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^===== prompt 1 =====\n\[system\]\nYou control a robot/);
    expect(r.stderr).toContain('Instruction: put the blue block in the red bowl');
    expect(r.stderr).toContain('===== your reply; end it with a line holding only "." =====');
    // The follow-up's prompt does not repeat the system message, and carries the earlier outcome.
    const second = r.stderr.slice(r.stderr.indexOf('===== prompt 2'));
    expect(second).toMatch(/^===== prompt 2 \(2 earlier messages not repeated\) =====/);
    expect(second).toContain('(That program was run; outcome: done.)');
    expect(second).toContain('Instruction: now do the same with the red block and the blue bowl');
    const [first, followUp] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(first).toMatchObject({ ok: true, rounds: [{ result: { ok: true, calls: [{ primitive: 'putOn', args: ['blue block', 'red bowl'] }] } }] });
    expect(followUp).toMatchObject({ ok: true, rounds: [{ result: { ok: true, calls: [{ primitive: 'putOn', args: ['red block', 'blue bowl'] }] } }] });
    expect(followUp.transcript).toBe(first.transcript);
  });

  it('says on standard error, naming WAND_MODEL_TIMEOUT_S, when the model does not answer in time, and does not ask again', async () => {
    server = await startOpenAIServer([{ hang: true }, { hang: true }]);
    const r = await wand(['ask', 'put the red block in the blue bowl', '--scene', SCENE, '--json'], {
      cwd: mkdtempSync(join(tmpdir(), 'wand-ask-')),
      env: { ...NO_MODEL_ENV, OPENAI_BASE_URL: server.url, WAND_MODEL: 'test-model', WAND_MODEL_TIMEOUT_S: '0.5', WAND_MODEL_RETRIES: '2' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^wand ask: the model at .* did not answer within 0\.5 s, so Wand stopped waiting \(the request was not sent again\); set WAND_MODEL_TIMEOUT_S to wait longer\n$/);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, stopped: 'error', error: { kind: 'timeout' } });
    expect(server.chats()).toHaveLength(1);
  });

  it('--llm manual: standard input ending before a reply is a usage error (exit 2), not a Ctrl-C', async () => {
    const r = await wand(['ask', 'stack the blocks', '--scene', SCENE, '--llm', 'manual', '--json'], {
      cwd: mkdtempSync(join(tmpdir(), 'wand-ask-')),
      env: NO_MODEL_ENV,
      stdin: '',
    });
    expect(r.code).toBe(2);
    const outcome = JSON.parse(r.stdout);
    expect(outcome).toMatchObject({ ok: false, stopped: 'error', error: { kind: 'usage', message: expect.stringContaining('standard input ended before a reply') } });
  });

  it('Ctrl-C cancels a pending model request and exits 130', async () => {
    server = await startOpenAIServer([{ hang: true }]);
    const child = spawn(process.execPath, [WAND, 'ask', 'put the red block in the blue bowl', '--scene', SCENE, '--json'], {
      cwd: mkdtempSync(join(tmpdir(), 'wand-ask-')),
      env: { ...process.env, ...NO_MODEL_ENV, OPENAI_BASE_URL: server.url, WAND_MODEL: 'test-model' },
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const code = new Promise<number | null>((resolve) => child.on('close', resolve));
    while (!server.chats().length) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    expect(await code).toBe(130);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, stopped: 'aborted', error: { kind: 'aborted', message: 'stopped by Ctrl-C' }, rounds: [] });
  });
});

