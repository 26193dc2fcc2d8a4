import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResult } from '../src/bench/results.ts';
import { benchTable } from '../src/bench/table.ts';
import { generateEpisodes } from '../src/tasks/suite.ts';
import { ROOT, WAND, wand } from './helpers/cli.ts';
import { startOpenAIServer, type OpenAIServer } from './helpers/openai-server.ts';

const js = (code: string) => '```js\n' + code + '\n```';
const TEMPLATES = ['pick-place-on-block', 'block-in-bowl', 'block-on-place'];
const NO_MODEL = { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', WAND_MODEL: '' };

describe('wand bench', () => {
  let server: OpenAIServer;
  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  afterAll(() => server.close());

  it('runs episodes through the OpenAI client and reports success by template and split as a table, JSON and HTML', async () => {
    const [onBlock, inBowl, onPlace] = generateEpisodes({ split: 'seen', episodes: 1, seed: 0, templates: TEMPLATES });
    expect([onBlock!.template, inBowl!.template, onPlace!.template]).toEqual(TEMPLATES);
    const wrongPlace = onPlace!.solution.replace(/"[^"]+"\);$/, '"middle");');
    expect(wrongPlace).toMatch(/^putOn\("\w+ block", "middle"\);$/);
    server.push(
      js(onBlock!.solution), // episode 1: done in one round
      js("putOn('chartreuse block', 'red bowl');"), // episode 2: unknown object, then the fix
      js(inBowl!.solution),
      js(wrongPlace), // episode 3: runs but puts the block in the wrong place, then no program at all,
      'I am not sure what to do.', // not even after the two corrections asked for at once
      'Still not sure.',
      'No idea.',
    );
    const dir = mkdtempSync(join(tmpdir(), 'wand-bench-'));
    const report = join(dir, 'report.html');
    const r = await wand(['bench', '--split', 'seen', '--template', TEMPLATES.join(','), '--rounds', '2', '--json', '--report', report], {
      env: { ...NO_MODEL, OPENAI_BASE_URL: server.url, WAND_MODEL: 'test-model' },
    });
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);

    // Progress on standard error, one line per episode.
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^\[1\/3\] pick-place-on-block\/seen\/0 ✓ \(1 round, 1 request, [\d.]+ s\) — 1\/1 so far$/);
    expect(lines[2]).toMatch(/^\[3\/3\] block-on-place\/seen\/0 ✗ no_program \(2 rounds, 4 requests/);
    expect(lines.at(-1)).toBe(`Report: ${report}`);

    const json = JSON.parse(r.stdout) as BenchResult;
    expect(json).toMatchObject({
      suite: 'tabletop',
      split: 'seen',
      llm: 'openai',
      model: `test-model at ${server.url}`,
      rounds: 2,
      samples: 1,
      verifier: 'predicate',
      planned: 3,
      finished: 3,
      interrupted: false,
      summary: { episodes: 3, successes: 2, successRate: 0.67, meanRoundsToSuccess: 1.5, requestsPerEpisode: 2.33 },
      bySplit: { seen: { episodes: 3, successes: 2 }, unseen: null },
      failures: [{ kind: 'no_program', count: 1, episodes: ['block-on-place/seen/0'] }],
      roundFailures: { unknown_object: 1, not_done: 1, no_program: 1 },
      roundsToSuccess: { '1': 1, '2': 1 },
    });
    expect(json.byTemplate.map((t) => [t.template, t.seen?.successes, t.all.meanRoundsToSuccess])).toEqual([
      ['pick-place-on-block', 1, 1],
      ['block-in-bowl', 1, 2],
      ['block-on-place', 0, null],
    ]);
    const [e1, e2, e3] = json.episodes;
    expect(e1).toMatchObject({ success: true, reason: 'ok', failure: null, rounds: 1, requests: 1, roundOutcomes: [{ kind: 'done' }] });
    expect(e2).toMatchObject({ success: true, rounds: 2, roundOutcomes: [{ kind: 'unknown_object' }, { kind: 'done' }] });
    expect(e3).toMatchObject({ success: false, failure: 'no_program', roundOutcomes: [{ kind: 'not_done' }, { kind: 'no_program' }] });
    expect(e3!.reason).toMatch(/^\w+ block is not on the /);
    // Token counts are the server's, per episode.
    expect(e1!.promptTokens).toBeGreaterThan(300);
    expect(e1!.completionTokens).toBeGreaterThan(5);

    // The predicate judged the runs: the model was never asked to verify, and only heard "not done".
    const chats = server.chats();
    expect(chats).toHaveLength(7);
    expect(chats.every((c) => c.body.model === 'test-model')).toBe(true);
    const afterWrong = chats[4]!.body.messages.at(-1).content as string;
    expect(afterWrong).toContain("the task is not done yet: the benchmark's success check does not hold");
    expect(afterWrong).not.toContain(e3!.reason);

    // The same result as a table.
    const table = benchTable(json);
    expect(table).toMatch(/^pick-place-on-block {2,}1\/1 100% +1\.0 +1\.0 +[\d,]+ +[\d.]+ s$/m);
    expect(table).toMatch(/^All {2,}2\/3 {2}67% +1\.5 +2\.3 /m);
    expect(table).toContain('no_program         1  (block-on-place/seen/0)');

    // The HTML report stands alone: inline CSS and SVG, no scripts, nothing fetched.
    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<style>');
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(5);
    expect(html).not.toMatch(/<script|<link|<img|\ssrc=|\shref=|url\(/);
    for (const t of TEMPLATES) expect(html).toContain(t);
    expect(html).toContain('Failed episodes by error kind');
    expect(html).toContain('2/3 (67%)');
  });

  it('without a model endpoint, fails at once naming OPENAI_API_KEY and OPENAI_BASE_URL', async () => {
    const r = await wand(['bench'], { env: NO_MODEL });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^wand: no language model is configured: set OPENAI_API_KEY .* or OPENAI_BASE_URL .*, or use --llm oracle\n$/);
    expect(r.stdout).toBe('');
  });

  it('Ctrl-C keeps and reports the episodes finished so far', async () => {
    const child = spawn(process.execPath, [WAND, 'bench', '--llm', 'oracle', '--split', 'seen', '--episodes', '3', '--json'], {
      cwd: ROOT,
      env: { ...process.env, ...NO_MODEL },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (/\[ ?1\/27\]/.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    const json = JSON.parse(stdout) as BenchResult;
    expect(json).toMatchObject({ interrupted: true, planned: 27, llm: 'oracle' });
    expect(json.finished).toBeGreaterThanOrEqual(1);
    expect(json.finished).toBeLessThan(27);
    expect(json.episodes).toHaveLength(json.finished);
    // The oracle's reference programs solve every episode the harness finished.
    expect(json.summary.successRate).toBe(1);
  });
});
