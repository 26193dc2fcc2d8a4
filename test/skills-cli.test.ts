import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, wand } from './helpers/cli.ts';
import { startOpenAIServer, type OpenAIServer } from './helpers/openai-server.ts';

// Skills as a person meets them: one `wand ask` session writes and proves a tool, the next session for a
// related instruction is offered it and calls it, and `wand skills` manages the library. The real CLI,
// simulator and sandbox; the model is the scripted OpenAI-compatible server.

const SCENE = join(ROOT, 'examples/scene.json');
const js = (code: string) => '```js\n' + code + '\n```';
const TOOL = `/**
 * Puts the named objects in an evenly spaced line from start to end.
 * @param {string[]} names the objects, in order
 * @param {string | Point} start where the first one goes
 * @param {string | Point} end where the last one goes
 */
function arrangeInLine(names, start, end) {
  const a = typeof start === 'string' ? namedPosition(start) : start;
  const b = typeof end === 'string' ? namedPosition(end) : end;
  names.forEach((name, i) => {
    const t = names.length === 1 ? 0.5 : i / (names.length - 1);
    putOn(name, { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t });
  });
}`;

let server: OpenAIServer;
let cwd: string;
let env: NodeJS.ProcessEnv;
const skillsDir = () => join(cwd, '.wand/skills');
const index = () => JSON.parse(readFileSync(join(skillsDir(), 'index.json'), 'utf8'));
const transcript = (path: string) => readFileSync(join(cwd, path), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

beforeAll(async () => {
  server = await startOpenAIServer();
  cwd = mkdtempSync(join(tmpdir(), 'wand-skills-cli-'));
  env = { OPENAI_API_KEY: '', OPENAI_BASE_URL: server.url, WAND_MODEL: 'test-model' };
});
afterAll(() => server.close());

describe('skills across wand ask sessions', () => {
  it('keeps a tool created and verified in one session', async () => {
    server.push(
      js(`${TOOL}\narrangeInLine(getObjectNames().filter((n) => n.endsWith('block')), 'top left corner', 'top right corner');`),
      'done: yes\nfacts: line of the blocks: horizontal: yes\ncritique: the three blocks are in a line along the top.',
    );
    const r = await wand(['ask', 'line up the blocks along the top side', '--scene', SCENE, '--json'], { cwd, env });
    expect(r.stderr).toBe('');
    // A general instruction with the library on: the model is asked for a reusable function first.
    expect(server.chats().at(-2)!.body.messages.at(-1).content).toContain('This instruction is general');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.skills).toEqual({
      offered: [],
      used: [],
      retired: [],
      stored: [{ name: 'arrangeInLine', version: 1, file: 'arrangeInLine.v1.ts', kind: 'new' }],
      rejected: [],
      warnings: [],
    });
    expect(readFileSync(join(skillsDir(), 'arrangeInLine.v1.ts'), 'utf8')).toContain(TOOL);
    expect(index().skills[0]).toMatchObject({
      name: 'arrangeInLine',
      signature: 'arrangeInLine(names: string[], start: string | Point, end: string | Point): void',
      description: 'Puts the named objects in an evenly spaced line from start to end.',
      profile: 'tabletop',
      provenance: { instruction: 'line up the blocks along the top side', session: out.transcript },
      stats: { uses: 0, successes: 0, failures: 0 },
    });
    // The two steps are visible in the transcript: the tool, then the program that calls it.
    const types = transcript(out.transcript).map((l) => l.type);
    expect(types.slice(types.indexOf('reply'), types.indexOf('reply') + 4)).toEqual(['reply', 'tool', 'program', 'check']);
    expect(transcript(out.transcript).find((l) => l.type === 'tool')).toMatchObject({ name: 'arrangeInLine', signature: 'arrangeInLine(names, start, end)' });
    expect(types.at(-1)).toBe('skills');
  });

  it('offers it (signature and doc line, not the body) in the next session for a related instruction, which calls it', async () => {
    server.push(js("arrangeInLine(['red block', 'green block'], 'left side', 'bottom left corner');"), 'done: yes\nfacts: red block - left side: on it\ncritique: both are on the left.');
    const r = await wand(['ask', 'put the red and green blocks in a line down the left side', '--scene', SCENE, '--json'], { cwd, env });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const system = server.chats().at(-2)!.body.messages[0].content as string;
    // The whole doc comment and the full signature with parameter types.
    expect(system).toContain(
      [
        '/**',
        ' * Puts the named objects in an evenly spaced line from start to end.',
        ' * @param {string[]} names the objects, in order',
        ' * @param {string | Point} start where the first one goes',
        ' * @param {string | Point} end where the last one goes',
        ' */',
        'arrangeInLine(names: string[], start: string | Point, end: string | Point): void',
      ].join('\n'),
    );
    expect(system).not.toContain('names.forEach');
    expect(out.rounds).toHaveLength(1);
    expect(out.final.calls.map((c: { primitive: string }) => c.primitive)).toEqual(['namedPosition', 'namedPosition', 'putOn', 'putOn']);
    const red = out.final.state.objects.find((o: { name: string }) => o.name === 'red block');
    expect(Math.hypot(red.position.x - 0.5, red.position.y - 0.25)).toBeLessThan(0.03);
    expect(out.skills).toMatchObject({ offered: ['arrangeInLine v1'], used: [{ name: 'arrangeInLine', version: 1, result: 'success' }], stored: [] });
    expect(index().skills[0].stats).toMatchObject({ uses: 1, successes: 1, failures: 0, failStreak: 0 });
  });

  it('--no-skills neither offers nor stores', async () => {
    server.push(js(`${TOOL.replace('evenly spaced', 'neatly spaced')}\narrangeInLine(['blue block'], 'middle', 'middle');`));
    const r = await wand(['ask', 'line up the blue block in the middle', '--scene', SCENE, '--no-skills', '--no-verify', '--json'], { cwd, env });
    expect(r.code).toBe(0);
    expect(server.chats().at(-1)!.body.messages[0].content).not.toContain('Stored skills');
    expect(JSON.parse(r.stdout).skills).toBeUndefined();
    expect(index().skills).toHaveLength(1);
  });
});

describe('wand skills', () => {
  it('lists, shows, exports, removes and imports', async () => {
    let r = await wand(['skills', 'list'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '1 skill, 1 version in .wand/skills:',
        '  arrangeInLine v1  tabletop  used 1, succeeded 1, failed 0',
        '      arrangeInLine(names: string[], start: string | Point, end: string | Point): void',
        '      Puts the named objects in an evenly spaced line from start to end.',
        '',
      ].join('\n'),
    );
    r = await wand(['skills', 'show', 'arrangeInLine'], { cwd });
    expect(r.stdout).toContain('  from:        "line up the blocks along the top side" on ');
    expect(r.stdout).toContain('  file:        .wand/skills/arrangeInLine.v1.ts');
    expect(r.stdout.trimEnd().endsWith(TOOL.split('\n').slice(-5).join('\n'))).toBe(true);
    r = await wand(['skills', 'show', 'arrangeInLine@4'], { cwd });
    expect(r).toMatchObject({ code: 2, stderr: 'wand: arrangeInLine has no version 4; stored: v1\n' });

    const file = join(cwd, 'skills.json');
    r = await wand(['skills', 'export', file], { cwd });
    expect(r.stdout).toBe(`Exported 1 skill version to ${file}.\n`);
    r = await wand(['skills', 'rm', 'arrangeInLine'], { cwd });
    expect(r.stdout).toBe('Removed arrangeInLine v1.\n');
    expect(existsSync(join(skillsDir(), 'arrangeInLine.v1.ts'))).toBe(false);
    expect(index().skills).toEqual([]);

    r = await wand(['skills', 'import', file], { cwd });
    expect(r.stdout).toBe('Imported arrangeInLine v1 as arrangeInLine v1.\n1 imported, 0 skipped, into .wand/skills.\n');
    expect(index().skills[0]).toMatchObject({
      signature: 'arrangeInLine(names: string[], start: string | Point, end: string | Point): void',
      provenance: { instruction: 'line up the blocks along the top side', importedFrom: file },
      stats: { uses: 0 },
    });
    expect(readFileSync(join(skillsDir(), 'arrangeInLine.v1.ts'), 'utf8').match(/^\/\/ Skill /gm)).toHaveLength(1);
    r = await wand(['skills', 'import', file], { cwd });
    expect(r.stdout).toContain('Skipped arrangeInLine v1: the library already has it as arrangeInLine v1.');
  });

  it('reports a broken index in one sentence and leaves it as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wand-skills-broken-'));
    const broken = JSON.stringify({ format: 'wand-skills/1', skills: [{ name: 'x y', version: 1 }] });
    writeFileSync(join(dir, 'index.json'), broken);
    const r = await wand(['skills', 'list', '--skills', dir], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^wand: the skills index .*index\.json is not valid: skills\[0\] \(x y v1\)\.name: must be a JavaScript identifier; .*nothing was changed\n$/);
    expect(readFileSync(join(dir, 'index.json'), 'utf8')).toBe(broken);
  });
});
