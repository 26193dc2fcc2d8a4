import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { primitivesFor } from '../primitives/index.ts';
import { openSimulator } from '../src/backends/open.ts';
import type { BackendOptions } from '../src/backends/options.ts';
import { WandError } from '../src/core/errors.ts';
import { OpenAIChatModel } from '../src/model/client.ts';
import { ask, type AskEvent } from '../src/model/loop.ts';
import { AskSession } from '../src/model/session.ts';
import { executeProgram } from '../src/run/execute.ts';
import { OpenAIEmbedder } from '../src/skills/embed.ts';
import { findTools, freeCalls } from '../src/skills/extract.ts';
import { SkillLibrary } from '../src/skills/library.ts';
import { prepareRehearsal } from '../src/skills/rehearse.ts';
import { retrieve } from '../src/skills/retrieve.ts';
import { SkillStore, type NewSkill } from '../src/skills/store.ts';
import { ROOT } from './helpers/cli.ts';
import { startOpenAIServer, type OpenAIServer, type Scripted } from './helpers/openai-server.ts';

// The skills library in-process: extraction, versioning and de-duplication, the index on disk, retrieval,
// and the promotion gate and reuse counters with the real loop, simulator and sandbox, the model played
// by the scripted OpenAI-compatible server.

const js = (code: string) => '```js\n' + code + '\n```';
const YES = 'done: yes\nfacts: the measured facts agree with the instruction\ncritique: looks right.';
const tmp = () => mkdtempSync(join(tmpdir(), 'wand-skills-'));

const LINE_TOOL = `/**
 * Puts the named objects in an evenly spaced line from start to end.
 * @param {string[]} names the objects, in order
 * @param {string | Point} start where the first one goes
 * @param {string | Point} end where the last one goes
 */
function arrangeInLine(names, start, end) {
  const a = typeof start === 'string' ? namedPosition(start) : start;
  const b = typeof end === 'string' ? namedPosition(end) : end;
  names.forEach((name, i) => putOn(name, lerp(a, b, names.length === 1 ? 0.5 : i / (names.length - 1))));
}`;
const LERP = `function lerp(a, b, t) {
  return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
}`;

function skill(name: string, code: string, extra: Partial<NewSkill> = {}): NewSkill {
  return {
    name,
    code,
    signature: `${name}()`,
    description: 'Does a thing.',
    profile: 'tabletop',
    requires: [],
    provenance: { instruction: 'do a thing', date: '2026-01-01T00:00:00.000Z' },
    ...extra,
  };
}

describe('finding tools in a program', () => {
  it('takes documented top-level functions with the helpers they call, and nothing else', () => {
    const program = `${LINE_TOOL}\n\nfunction unused() {}\n\narrangeInLine(['red block'], 'middle', 'top side');\n\n// Helper functions, written on request.\n${LERP}\n`;
    const tools = findTools(program);
    expect(tools).toHaveLength(1);
    expect(tools[0]).toMatchObject({
      name: 'arrangeInLine',
      description: 'Puts the named objects in an evenly spaced line from start to end.',
      params: ['names', 'start', 'end'],
      helpers: ['lerp'],
    });
    expect(tools[0]!.bundle).toBe(`${LINE_TOOL}\n\n${LERP}\n`);
    // An undocumented function is a helper, not a tool; names the program defines are not free calls.
    expect(findTools(`${LERP}\nlerp({x: 0, y: 0}, {x: 1, y: 1}, 0.5);`)).toEqual([]);
    expect([...freeCalls(program)].sort()).toEqual(expect.arrayContaining(['namedPosition', 'putOn']));
    expect(freeCalls(program).has('lerp')).toBe(false);
  });
});

describe('the library on disk', () => {
  it('stores versions instead of overwriting, and refuses copies and near-copies', () => {
    const store = new SkillStore(tmp());
    const v1 = store.add(skill('arrangeInLine', `${LINE_TOOL}\n\n${LERP}`));
    expect(v1).toMatchObject({ stored: { name: 'arrangeInLine', version: 1, file: 'arrangeInLine.v1.ts' }, decision: { kind: 'new' } });
    const v1File = readFileSync(join(store.dir, 'arrangeInLine.v1.ts'), 'utf8');
    expect(v1File).toContain('"do a thing"');
    expect(v1File).toContain(LINE_TOOL);

    // The same code with other names, comments and layout is the same skill, whatever it is called.
    const renamed = `// lines things up\nfunction lineUp(objs, from, to) {\n  const a = typeof from === "string" ? namedPosition(from) : from;\n  const b = typeof to === "string" ? namedPosition(to) : to;\n  objs.forEach((o, k) => putOn(o, mix(a, b, objs.length === 1 ? 0.5 : k / (objs.length - 1)),));\n}\nfunction mix(p, q, s) { return { x: p.x + (q.x - p.x) * s, y: p.y + (q.y - p.y) * s } }`;
    expect(store.add(skill('lineUp', renamed))).toMatchObject({ stored: null, decision: { kind: 'duplicate', similarity: 1, of: { name: 'arrangeInLine' } } });
    // A tweaked constant is a near-copy.
    const tweaked = `${LINE_TOOL.replace('0.5', '0.4')}\n\n${LERP}`;
    expect(store.add(skill('arrangeInLine', tweaked)).decision).toMatchObject({ kind: 'duplicate', of: { version: 1 } });

    // A different body under the same name is a new version; the old file stays as it was.
    const other = `/** Puts the named objects in a line, nearest first. */\nfunction arrangeInLine(names, start, end) {\n  const a = namedPosition(start);\n  const b = namedPosition(end);\n  const sorted = [...names].sort((m, n) => getObject(m).position.x - getObject(n).position.x);\n  for (let i = 0; i < sorted.length; i++) putOn(sorted[i], { x: a.x + ((b.x - a.x) * i) / Math.max(1, sorted.length - 1), y: a.y + ((b.y - a.y) * i) / Math.max(1, sorted.length - 1) });\n}`;
    expect(store.add(skill('arrangeInLine', other))).toMatchObject({ stored: { version: 2, file: 'arrangeInLine.v2.ts' }, decision: { kind: 'version' } });
    expect(readFileSync(join(store.dir, 'arrangeInLine.v1.ts'), 'utf8')).toBe(v1File);
    expect(store.read().skills.map((s) => `${s.name}@${s.version}`)).toEqual(['arrangeInLine@1', 'arrangeInLine@2']);
    expect(store.active('tabletop').map((s) => s.version)).toEqual([2]);
    expect(store.active('mobile')).toEqual([]);
  });

  it('reports a hand-broken index with the entry and field at fault, and never overwrites it', async () => {
    const store = new SkillStore(tmp());
    store.add(skill('arrangeInLine', LINE_TOOL));
    const index = JSON.parse(readFileSync(store.indexPath, 'utf8'));
    index.skills[0].stats.uses = 'many';
    const broken = JSON.stringify(index, null, 2);
    writeFileSync(store.indexPath, broken);
    expect(() => store.read()).toThrow(WandError);
    expect(() => store.read()).toThrow(/index\.json is not valid: skills\[0\] \(arrangeInLine v1\)\.stats\.uses: .*number.*nothing was changed/);
    expect(() => store.add(skill('other', 'function other() { home(); }'))).toThrow(/not valid/);
    writeFileSync(store.indexPath, '{"format": "wand-skills/1", "skills": [');
    expect(() => store.read()).toThrow(/is not valid JSON/);
    // The loop goes on without skills and says why; the file is left for the person to fix.
    const library = new SkillLibrary({ dir: store.dir, profile: 'tabletop', primitives: primitivesFor('tabletop') });
    const offer = await library.offer('line up the blocks');
    expect(offer.skills).toEqual([]);
    expect(offer.warnings[0]).toMatch(/not valid JSON.*skills are off for this instruction/);
    expect(readFileSync(store.indexPath, 'utf8')).toBe('{"format": "wand-skills/1", "skills": [');
  });

  it('picks up a person\'s edit of a skill file, and stops offering one the edit broke', async () => {
    const store = new SkillStore(tmp());
    const { stored } = store.add(skill('arrangeInLine', `${LINE_TOOL}\n\n${LERP}`, { signature: 'arrangeInLine(names: string[], start: string | Point, end: string | Point): void', provenance: { instruction: 'line up the blocks', date: '2026-01-01T00:00:00.000Z' } }));
    const path = join(store.dir, stored!.file);
    const library = new SkillLibrary({ dir: store.dir, profile: 'tabletop', primitives: primitivesFor('tabletop') });
    // A new doc line and an optional spacing parameter: offered as edited, the index brought up to date.
    const edited = readFileSync(path, 'utf8')
      .replace('Puts the named objects in an evenly spaced line from start to end.', 'Lines the named objects up from start to end.')
      .replace('function arrangeInLine(names, start, end) {', '/** @param {number} [lift] unused */\nfunction arrangeInLine(names, start, end, lift = 0) {');
    writeFileSync(path, edited);
    let offer = await library.offer('line up the bowls');
    expect(offer.warnings).toEqual([]);
    // The whole doc, never cut, and the signature as the file now types it (the new doc comment's @param
    // tags are the ones TypeScript reads, so the first three parameters are untyped there, and say so).
    expect(offer.extraApi).toContain(
      [
        '/**',
        ' * Lines the named objects up from start to end.',
        ' * @param {string[]} names the objects, in order',
        ' * @param {string | Point} start where the first one goes',
        ' * @param {string | Point} end where the last one goes',
        ' * @param {number} [lift] unused',
        ' */',
        'arrangeInLine(names: any, start: any, end: any, lift?: number): void',
      ].join('\n'),
    );
    expect(offer.prelude).toContain('lift = 0');
    expect(store.read().skills[0]).toMatchObject({ description: 'Lines the named objects up from start to end.', signature: 'arrangeInLine(names: any, start: any, end: any, lift?: number): void' });
    // An edit that no longer type-checks is reported and the skill is left out, file and index untouched.
    writeFileSync(path, edited.replace('putOn(name,', 'putOnn(name,'));
    offer = await library.offer('line up the bowls');
    expect(offer.skills).toEqual([]);
    expect(offer.warnings).toEqual([expect.stringMatching(/^arrangeInLine v1: .*arrangeInLine\.v1\.ts was edited and no longer checks \(line \d+: Cannot find name 'putOnn'.*\); not offered$/)]);
  });

  it('retrieves related skills lexically and leaves unrelated ones out', async () => {
    const store = new SkillStore(tmp());
    store.add(skill('arrangeInLine', LINE_TOOL, { description: 'Puts the named objects in an evenly spaced line from start to end.', signature: 'arrangeInLine(names: string[], start, end): void', provenance: { instruction: 'line up the blocks along the top side', date: '2026-01-01T00:00:00.000Z' } }));
    store.add(skill('stackAll', 'function stackAll(names) { for (let i = 1; i < names.length; i++) putOn(names[i], names[i - 1]); }', { description: 'Stacks the named blocks into one tower.', signature: 'stackAll(names: string[]): void', provenance: { instruction: 'stack the blocks', date: '2026-01-01T00:00:00.000Z' } }));
    const entries = store.active('tabletop');
    expect((await retrieve('put the bowls in a line along the left side', entries)).skills.map((s) => s.name)).toEqual(['arrangeInLine']);
    expect((await retrieve('build a tower from the red and blue blocks, stacked', entries)).skills[0]!.name).toBe('stackAll');
    expect((await retrieve('say hello', entries)).skills).toEqual([]);
  });

  it('ranks with an OpenAI-compatible embeddings endpoint when asked, and falls back to lexical ranking when it fails', async () => {
    // A toy embedding: "row" and "line" mean the same, so a skill about lines fits "a row of blocks".
    const vocabulary = ['line', 'stack', 'block', 'bowl'];
    const embed = (text: string) => vocabulary.map((w) => (text.toLowerCase().replace(/\brow\b/g, 'line').includes(w) ? 1 : 0));
    let fail = false;
    const requests: any[] = [];
    const http = createServer(async (req, res) => {
      let body = '';
      for await (const c of req) body += c;
      const input = JSON.parse(body).input as string[];
      requests.push({ url: req.url, input });
      if (fail) return res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"down"}}');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', model: 'toy', data: input.map((t, index) => ({ object: 'embedding', index, embedding: embed(t) })), usage: { prompt_tokens: 1, total_tokens: 1 } }));
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    try {
      const store = new SkillStore(tmp());
      const at = { date: '2026-01-01T00:00:00.000Z' };
      store.add(skill('arrangeInLine', LINE_TOOL, { description: 'Puts the named objects in a line.', provenance: { instruction: 'line up the blocks', ...at } }));
      store.add(skill('stackAll', 'function stackAll(names) { for (let i = 1; i < names.length; i++) putOn(names[i], names[i - 1]); }', { description: 'Stacks the named objects.', provenance: { instruction: 'stack them', ...at } }));
      const entries = store.active('tabletop');
      const embedder = new OpenAIEmbedder('toy', { baseURL: `http://127.0.0.1:${(http.address() as { port: number }).port}/v1` });
      const query = 'set out a row';
      expect((await retrieve(query, entries)).skills).toEqual([]); // no word in common
      const found = await retrieve(query, entries, { embedder, cacheDir: store.dir });
      expect(found).toMatchObject({ method: 'lexical+embeddings', skills: [{ name: 'arrangeInLine' }] });
      expect(requests[0]).toMatchObject({ url: '/v1/embeddings', input: [expect.stringContaining('arrangeInLine'), expect.stringContaining('stackAll')] });
      // The skills' vectors are cached: the next query embeds only itself.
      expect(existsSync(join(store.dir, 'embeddings.json'))).toBe(true);
      await retrieve('stack the blocks', entries, { embedder, cacheDir: store.dir });
      expect(requests.at(-1).input).toEqual(['stack the blocks']);
      fail = true;
      const fallback = await retrieve('stack the blocks', entries, { embedder, cacheDir: store.dir });
      expect(fallback).toMatchObject({ method: 'lexical', warning: expect.stringMatching(/^the embeddings endpoint failed/) });
      expect(fallback.skills[0]!.name).toBe('stackAll');
    } finally {
      http.close();
    }
  });
});

// The loop against the real simulator and sandbox, with the gate and the counters.
const options: BackendOptions = { world: 'tabletop', backend: 'sim', seed: 0, rehearse: true, scenePath: join(ROOT, 'examples/scene.json') };
let server: OpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function instruction(dir: string, text: string, script: Scripted[], opts: { rounds?: number; verify?: boolean } = {}) {
  server ??= await startOpenAIServer();
  server.push(...script);
  const model = new OpenAIChatModel({ baseURL: server.url, apiKey: 'k', model: 'test-model', timeoutMs: 5000, maxRetries: 0, stream: false });
  const opened = await openSimulator(options);
  const library = new SkillLibrary({ dir, profile: 'tabletop', primitives: opened.primitives });
  try {
    const offer = await library.offer(text);
    const rehearse = await prepareRehearsal(opened, options, opened.backend.state());
    const events: AskEvent[] = [];
    const outcome = await ask(
      text,
      {
        model,
        checker: offer.checker,
        target: { state: () => opened.backend.state(), execute: (source, o) => executeProgram({ source, target: opened, prelude: o.prelude }) },
        world: { profile: 'tabletop', primitives: opened.primitives, world: opened.backend.world(), ...(offer.extraApi ? { extraApi: offer.extraApi } : {}) },
        session: new AskSession(),
        ...(offer.prelude ? { prelude: offer.prelude } : {}),
      },
      { rounds: opts.rounds ?? 1, verify: opts.verify ?? true, onEvent: (e) => events.push(e) },
    );
    const learned = await library.learn(text, outcome, offer, { rehearse });
    return { offer, outcome, learned, events, store: library.store };
  } finally {
    await opened.backend.dispose();
  }
}

describe('the promotion gate and reuse, with the loop', () => {
  beforeAll(async () => {
    // Rapier and the checker load once, outside the timings of the first test.
    await (await openSimulator(options)).backend.dispose();
  });

  it('stores nothing from a task that was not verified done', async () => {
    const dir = tmp();
    const r = await instruction(dir, 'line up the blocks along the top side', [
      js(`${LINE_TOOL}\n${LERP}\narrangeInLine(['red block', 'blue block'], 'top left corner', 'top right corner');`),
      'done: no\ncritique: the green block is not in the line.',
    ]);
    expect(r.events.find((e) => e.type === 'tool')).toMatchObject({ name: 'arrangeInLine', signature: 'arrangeInLine(names, start, end)' });
    expect(r.outcome.ok).toBe(false);
    expect(r.learned).toMatchObject({ stored: [], rejected: [{ name: 'arrangeInLine', reason: 'the task was not done, so nothing it defined is kept' }] });
    expect(r.store.read().skills).toEqual([]);
  });

  it('stores nothing that leans on the program around it, or that only worked because of an earlier round', async () => {
    const dir = tmp();
    const leaning = await instruction(dir, 'put the red block on the left side', [
      js(`const SPOT = 'left side';\n/** Puts the named block at the spot. */\nfunction putAtSpot(name) {\n  putOn(name, SPOT);\n}\nputAtSpot('red block');`),
      YES,
    ]);
    expect(leaning.outcome.ok).toBe(true);
    expect(leaning.learned.rejected).toEqual([{ name: 'putAtSpot', reason: "it does not type-check on its own: line 3: Cannot find name 'SPOT'." }]);

    // Round 1 moves the red block to the middle, then fails; round 2's tool only works with a block there.
    const lucky = await instruction(
      dir,
      'put the red block in the blue bowl',
      [
        js("putOn('red block', 'middle');\nputOn('purple block', 'blue bowl');"),
        js(`/** Puts whatever block is in the middle of the table into the given bowl. */\nfunction binMiddle(bowl) {\n  const o = getObjects().find((b) => b.kind === 'block' && Math.hypot(b.position.x - 0.5, b.position.y) < 0.03);\n  putOn(o.name, bowl);\n}\nbinMiddle('blue bowl');`),
        YES,
      ],
      { rounds: 2 },
    );
    expect(lucky.outcome.ok).toBe(true);
    expect(lucky.learned.rejected).toEqual([
      { name: 'binMiddle', reason: expect.stringMatching(/^its program failed when rehearsed in the simulator from the initial world: runtime .*TypeError/) },
    ]);
    expect(lucky.store.read().skills).toEqual([]);
  });

  it('stores a tool that calls a stored skill with that requirement, and loads both when it is offered', async () => {
    const dir = tmp();
    const store = new SkillStore(dir);
    store.add(skill('arrangeInLine', `${LINE_TOOL}\n\n${LERP}`, {
      signature: 'arrangeInLine(names: string[], start: string | Point, end: string | Point): void',
      description: 'Puts the named objects in an evenly spaced line from start to end.',
      provenance: { instruction: 'line up the blocks along the top side', date: '2026-01-01T00:00:00.000Z' },
    }));
    const TOP = `/** Lines up all the blocks along the top side of the table. */\nfunction lineUpBlocksAtTop() {\n  arrangeInLine(getObjectNames().filter((n) => n.endsWith('block')), 'top left corner', 'top right corner');\n}`;
    const first = await instruction(dir, 'line up the blocks along the top side again', [js(`${TOP}\nlineUpBlocksAtTop();`), YES]);
    expect(first.offer.skills.map((s) => s.name)).toEqual(['arrangeInLine']);
    expect(first.learned).toMatchObject({ used: [{ name: 'arrangeInLine', result: 'success' }], stored: [{ name: 'lineUpBlocksAtTop', version: 1 }] });
    expect(store.read().skills[1]).toMatchObject({ name: 'lineUpBlocksAtTop', requires: ['arrangeInLine'], signature: 'lineUpBlocksAtTop(): void' });
    const library = new SkillLibrary({ dir, profile: 'tabletop', primitives: primitivesFor('tabletop') });
    const offer = await library.offer('line the blocks up at the top side');
    expect(offer.skills.map((s) => s.name)).toContain('lineUpBlocksAtTop');
    expect(offer.prelude!.indexOf('function arrangeInLine')).toBeLessThan(offer.prelude!.indexOf('function lineUpBlocksAtTop'));
  });

  it('counts a failing reused skill against it only where it failed, and retires one that never succeeded at its first failure', async () => {
    const dir = tmp();
    const store = new SkillStore(dir);
    store.add(skill('putFar', '/** Puts the named block at the far edge of the table. */\nfunction putFar(name) {\n  putOn(name, { x: 0.95, y: 0 });\n}', {
      signature: 'putFar(name: string): void',
      description: 'Puts the named block at the far edge of the table.',
      provenance: { instruction: 'put the red block at the far edge', date: '2026-01-01T00:00:00.000Z' },
    }));
    // A failure on another line of the program is not the skill's.
    const elsewhere = await instruction(dir, 'put the green block at the far edge', [js("putOn('purple block', 'middle');\nputFar('green block');")]);
    expect(elsewhere.learned.used).toEqual([]); // it never got to call it
    const mixed = await instruction(dir, 'put the green block at the far edge', [js("home();\nputFar('green block');")]);
    expect(mixed.offer.skills.map((s) => s.name)).toEqual(['putFar']);
    expect(mixed.learned.used).toEqual([{ name: 'putFar', version: 1, result: 'failure', failure: expect.stringMatching(/^workspace: /) }]);
    // It has never once worked when reused: retired at once, not after three more tries.
    expect(mixed.learned.retired).toEqual(['putFar v1']);
    expect(store.read().skills[0]).toMatchObject({ retired: true, stats: { uses: 1, failures: 1, failStreak: 1, lastFailure: expect.stringMatching(/^workspace/) } });
    const library = new SkillLibrary({ dir, profile: 'tabletop', primitives: primitivesFor('tabletop') });
    expect((await library.offer('put the red block at the far edge')).skills).toEqual([]);
  });

  it('retires a skill that worked before after two failures in a row', async () => {
    const dir = tmp();
    const store = new SkillStore(dir);
    store.add(skill('slideTo', '/** Puts the named block at the given depth x on the middle line. */\nfunction slideTo(name, x) {\n  putOn(name, { x, y: 0 });\n}', {
      signature: 'slideTo(name: string, x: number): void',
      description: 'Puts the named block at the given depth x on the middle line.',
      provenance: { instruction: 'slide the red block to depth 0.5', date: '2026-01-01T00:00:00.000Z' },
    }));
    const works = await instruction(dir, 'slide the red block to depth 0.5', [js("slideTo('red block', 0.5);"), YES]);
    expect(works.learned.used).toEqual([{ name: 'slideTo', version: 1, result: 'success' }]);
    const once = await instruction(dir, 'slide the green block to depth 0.95', [js("slideTo('green block', 0.95);")]);
    expect(once.learned).toMatchObject({ used: [{ result: 'failure' }], retired: [] });
    const twice = await instruction(dir, 'slide the blue block to depth 0.95', [js("slideTo('blue block', 0.95);")]);
    expect(twice.learned.retired).toEqual(['slideTo v1']);
    expect(store.read().skills[0]).toMatchObject({ retired: true, stats: { uses: 3, successes: 1, failures: 2, failStreak: 2 } });
  });
});

describe('skills that earn their place', () => {
  it('offers a skill only above the relevance threshold, and none when nothing fits', async () => {
    const store = new SkillStore(tmp());
    store.add(skill('arrangeInLine', LINE_TOOL, { description: 'Puts the named objects in an evenly spaced line from start to end.', provenance: { instruction: 'line up the blocks along the top side', date: '2026-01-01T00:00:00.000Z' } }));
    const entries = store.active('tabletop');
    const offered = async (text: string) => (await retrieve(text, entries)).skills.map((s) => s.name);
    // Related: the same task on other objects and places.
    expect(await offered('make a diagonal line of the blocks from the bottom left corner to the top right corner')).toEqual(['arrangeInLine']);
    expect(await offered('space the blocks evenly between the two corners on the top')).toEqual(['arrangeInLine']);
    // Unrelated, though they share "blocks", colours and places: nothing is offered.
    expect(await offered('put the blocks in the bowls with matching colors')).toEqual([]);
    expect(await offered('stack all the blocks on the top right corner')).toEqual([]);
    expect(await offered('put the red block in the blue bowl')).toEqual([]);
    expect(await offered('Put all the blocks on the left side.')).toEqual([]);
  });

  it('stores the full signature with parameter types (from the verified call when the code has none) and the whole doc', async () => {
    const dir = tmp();
    const TOOL = `/**
 * Finds the block on one side of a reference object, e.g. the block left of the blue bowl. Returns null when none is.
 * @param ref the reference object
 * @param side "left" or "right"
 */
function blockOnSideOf(ref, side) {
  const r = getObject(ref).position;
  const sign = side === 'left' ? 1 : -1;
  const b = getObjects().find((o) => o.kind === 'block' && (o.position.y - r.y) * sign > 0.05);
  if (!b) return null;
  return b.name;
}`;
    const r = await instruction(dir, 'put the block left of the blue bowl on the top side', [
      js(`${TOOL}\nconst b = blockOnSideOf('blue bowl', 'left');\nif (b) putOn(b, 'top side');`),
      YES,
    ]);
    expect(r.learned.stored).toMatchObject([{ name: 'blockOnSideOf' }]);
    // Typed from the call, null where it can return null, and the description not cut at "e.g.".
    expect(r.store.read().skills[0]).toMatchObject({
      signature: 'blockOnSideOf(ref: string, side: string): string | null',
      description: 'Finds the block on one side of a reference object, e.g. the block left of the blue bowl.',
    });
    const library = new SkillLibrary({ dir, profile: 'tabletop', primitives: primitivesFor('tabletop') });
    const offer = await library.offer('find the block left of the green bowl and put it in the middle');
    expect(offer.extraApi).toContain(
      '/**\n * Finds the block on one side of a reference object, e.g. the block left of the blue bowl. Returns null when none is.\n * @param ref the reference object\n * @param side "left" or "right"\n */\nblockOnSideOf(ref: string, side: string): string | null',
    );
  });

  it("keeps a tool only when the predicate or a verifier citing Wand's facts said done", async () => {
    const dir = tmp();
    const r = await instruction(dir, 'line up the blocks along the top side', [
      js(`${LINE_TOOL}\n${LERP}\narrangeInLine(['red block', 'blue block', 'green block'], 'top left corner', 'top right corner');`),
      'done: yes\ncritique: looks right.', // trusting, no facts
    ]);
    expect(r.outcome.ok).toBe(true);
    expect(r.learned).toMatchObject({ stored: [], rejected: [{ name: 'arrangeInLine', reason: "the verifier's verdict cited none of Wand's measured facts" }] });
  });

  it('asks for a reusable function only for a general instruction, and only when tools are kept', async () => {
    const { isGeneralInstruction } = await import('../src/model/general.ts');
    expect(['line up the blocks along the top side', 'put each block in the bowl of its colour', 'stack all the blocks', 'put the blocks in the bowls with matching colors'].every(isGeneralInstruction)).toBe(true);
    expect(['put the red block in the blue bowl', 'move the green block 10 cm to the left', 'Put all the blocks on the left side.'].some(isGeneralInstruction)).toBe(false);
    server ??= await startOpenAIServer();
    const sent = async (text: string, toolsKept: boolean) => {
      server!.push(js('home();'));
      const opened = await openSimulator(options);
      try {
        const model = new OpenAIChatModel({ baseURL: server!.url, apiKey: 'k', model: 'm', timeoutMs: 5000, maxRetries: 0, stream: false });
        const { ProgramChecker } = await import('../src/check/index.ts');
        const { generateDts } = await import('../primitives/dts.ts');
        await ask(text, {
          model,
          toolsKept,
          checker: new ProgramChecker(generateDts(opened.primitives)),
          target: { state: () => opened.backend.state(), execute: (source) => executeProgram({ source, target: opened }) },
          world: { profile: 'tabletop', primitives: opened.primitives, world: opened.backend.world() },
        }, { rounds: 1, verify: false });
        return server!.chats().at(-1)!.body.messages.at(-1).content as string;
      } finally {
        await opened.backend.dispose();
      }
    };
    expect(await sent('line up the blocks along the top side', true)).toContain('This instruction is general');
    expect(await sent('put the red block in the blue bowl', true)).not.toContain('reusable function');
    expect(await sent('line up the blocks along the top side', false)).not.toContain('reusable function');
    // Nor is it in the static prompt any more.
    expect(server.chats().at(-1)!.body.messages[0].content).not.toContain('reusable function');
  });
});
