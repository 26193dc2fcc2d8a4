import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ENTRIES, buildBundle, freshBundle } from '../bin/bundle.js';
import { ROOT, wand } from './helpers/cli.ts';
import { runInSandbox } from '../src/sandbox/index.ts';
import { sceneFile } from './helpers/tabletop.ts';

// What a user feels before and around their program: the bundle the CLI runs from, the time budget that is
// the program's own, and the small contracts of the command line (version, reports, exit codes).

/** Processes that keep every core busy, as on the shared machines this must pass on; stopped by the caller. */
function cpuBurners(n = availableParallelism()): ChildProcess[] {
  return Array.from({ length: n }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

/** Every bundle entry but the command line's, as an empty module, in a copy of the layout. */
function stubEntries(root: string): void {
  for (const entry of ENTRIES) {
    mkdirSync(dirname(join(root, entry)), { recursive: true });
    if (entry !== 'src/cli/main.ts') writeFileSync(join(root, entry), 'export {};\n');
  }
}

describe('the bundle the CLI runs from', () => {
  it('lists the sources it was built from; a package stands for its files by its package.json', async () => {
    if (!freshBundle()) await buildBundle();
    expect(freshBundle()).not.toBeNull(); // a bundle that is always stale would be rebuilt by every command
    const manifest = JSON.parse(readFileSync(join(ROOT, 'dist/manifest.json'), 'utf8'));
    expect(manifest.inputs.filter((f: string) => !existsSync(join(ROOT, f)))).toEqual([]);
    expect(manifest.inputs).toEqual(expect.arrayContaining(['src/cli/main.ts', 'src/sandbox/run.ts', 'primitives/index.ts', 'bin/bundle.js']));
    expect(manifest.inputs).toContain('node_modules/zod/package.json');
    expect(manifest.inputs.filter((f: string) => f.startsWith('node_modules/zod/') && f !== 'node_modules/zod/package.json')).toEqual([]);
  });

  it('never runs stale code: bin/wand.js rebuilds when a source is newer than the build (in a copy of the layout)', async () => {
    // A project of its own, so touching its sources does not make every other test's wand rebuild.
    const root = mkdtempSync(join(tmpdir(), 'wand-bundle-'));
    mkdirSync(join(root, 'bin'));
    stubEntries(root);
    for (const file of ['bin/wand.js', 'bin/bundle.js', 'package.json', 'tsconfig.json']) copyFileSync(join(ROOT, file), join(root, file));
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
    const main = join(root, 'src/cli/main.ts');
    const write = (text: string) =>
      writeFileSync(main, `import { greeting } from './greeting.ts';\nexport function cli(): void {\n  console.log(greeting + ' ${text}');\n}\n`);
    writeFileSync(join(root, 'src/cli/greeting.ts'), "export const greeting: string = 'hello';\n");
    const run = () =>
      new Promise<string>((resolve, reject) =>
        execFile(process.execPath, [join(root, 'bin/wand.js')], (err, stdout) => (err ? reject(err) : resolve(stdout.trim()))),
      );

    write('one');
    expect(await run()).toBe('hello one'); // built on first use (npm ci's prepare would have built it already)
    const manifest = () => JSON.parse(readFileSync(join(root, 'dist/manifest.json'), 'utf8'));
    expect(manifest().inputs).toEqual(expect.arrayContaining(['src/cli/main.ts', 'src/cli/greeting.ts']));
    const firstBuild = manifest().dir;
    expect(await run()).toBe('hello one');
    expect(manifest().dir).toBe(firstBuild); // fresh: not rebuilt

    await new Promise((r) => setTimeout(r, 20));
    write('two');
    expect(await run()).toBe('hello two');
    // A dependency edited without touching the entry counts too.
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(join(root, 'src/cli/greeting.ts'), "export const greeting: string = 'hi';\n");
    expect(await run()).toBe('hi two');
    // A build that started before the last edit is stale, whatever finished last.
    const stale = { ...manifest(), startedAt: statSync(main).mtimeMs - 1 };
    writeFileSync(join(root, 'dist/manifest.json'), JSON.stringify(stale));
    const copy = (await import(pathToFileURL(join(root, 'bin/bundle.js')).href)) as typeof import('../bin/bundle.js');
    expect(copy.freshBundle()).toBeNull();
    // Where no bundle can be written, the sources run through tsx: slower, never stale.
    rmSync(join(root, 'dist'), { recursive: true });
    writeFileSync(join(root, 'dist'), 'not a directory');
    write('three');
    expect(await run()).toBe('hi three');
  });

  it('keeps an old build while a live process runs from it (a server loads chunks for hours), then removes it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wand-bundle-'));
    mkdirSync(join(root, 'bin'));
    stubEntries(root);
    copyFileSync(join(ROOT, 'bin/bundle.js'), join(root, 'bin/bundle.js'));
    for (const file of ['package.json', 'tsconfig.json']) copyFileSync(join(ROOT, file), join(root, file));
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
    const copy = (await import(pathToFileURL(join(root, 'bin/bundle.js')).href)) as typeof import('../bin/bundle.js');
    const build = async (text: string) => {
      writeFileSync(join(root, 'src/cli/main.ts'), `console.log(${JSON.stringify(text)});\n`);
      const entry = await copy.buildBundle();
      const main = entry.slice('file://'.length);
      utimesSync(main, new Date(), new Date(Date.now() - 5 * 60_000)); // built long enough ago to be removable
      return join(main, '..');
    };
    const first = await build('one');
    copy.useBuild(pathToFileURL(join(first, 'main.js')).href); // this process runs from it
    const second = await build('two');
    const third = await build('three');
    expect(existsSync(first)).toBe(true); // in use
    expect(existsSync(second)).toBe(true); // the one just replaced: a process may have just read its name
    rmSync(join(first, `.in-use-${process.pid}-${threadId}`)); // as this process's exit does
    const fourth = await build('four');
    expect([first, second, third, fourth].map((dir) => existsSync(dir))).toEqual([false, false, true, true]);
  });
});

describe('--timeout is the program\'s own time', () => {
  it('print(1) with --timeout 0.2 succeeds while every core is busy (start-up is not counted)', async () => {
    const burners = cpuBurners();
    try {
      const r = await wand(['run', '-', '--timeout', '0.2', '--json'], { stdin: 'print(1)' });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, error: null, output: ['1'] });
      expect(r.code).toBe(0);
    } finally {
      for (const b of burners) b.kill();
    }
  });

  it('the budget starts at the first guest instruction, however long the host took to get there', async () => {
    const run = runInSandbox({ code: 'print(1)', globals: ['print'], limits: { timeoutMs: 50 }, onCall: async () => null });
    // The host is starved while the run is being set up (worker found, QuickJS instantiated).
    for (const until = Date.now() + 300; Date.now() < until; );
    expect(await run).toEqual({ ok: true, error: null, calls: 1 });
  });

  it('still ends a program that computes past its budget', async () => {
    const r = await wand(['run', '-', '--timeout', '0.3', '--json'], { stdin: 'print(1);\nwhile (true) {}' });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, output: ['1'], error: { kind: 'timeout' } });
  });
});

describe('Ctrl-C from the first moment', () => {
  it('while the program is still being typed (or wand still loading), --json prints one result and exits', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/wand.js'), 'run', '-', '--json'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.write('print(1)\n'); // and standard input stays open: the person is still typing
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    expect(signal).toBeNull(); // handled, not killed
    expect(code).toBe(1);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, error: { kind: 'aborted', message: 'stopped by Ctrl-C' }, calls: [], world: { name: 'tabletop' } });
  });
});

describe('the command line', () => {
  it('wand --version names the version in package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const r = await wand([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^wand ${version.replace(/\./g, '\\.')} `));
    }
  });

  it('every option a command lists in its --help is in the README', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const command of ['run', 'ask', 'serve', 'bench', 'skills']) {
      const r = await wand([command, '--help']);
      expect(r.code).toBe(0);
      const flags = [...new Set(r.stdout.match(/--[a-z][a-z-]+/g))];
      expect(flags.length).toBeGreaterThan(0);
      expect(flags.filter((f) => !new RegExp(`${f}\\b`).test(readme)), `wand ${command} --help`).toEqual([]);
    }
  });

  it('a syntax error is reported with its line once, and no world report follows a program that never ran', async () => {
    const r = await wand(['run', '-'], { stdin: 'print(1);\nconst x = ;' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Outcome: FAILED (syntax, line 2): Unexpected token at column 11');
    expect(r.stdout.match(/line 2/g)).toHaveLength(1);
    expect(r.stdout).not.toContain('Final positions');
    expect(r.stdout).not.toContain('Holding');
  });

  it('the mobile report shows the pose and does not talk about holding anything', async () => {
    const r = await wand(['run', '-', '--world', 'mobile'], { stdin: 'drive(0.2)' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Robot pose: \{"x":0\.\d+,"y":0,"yaw":0\}/);
    expect(r.stdout).not.toContain('Holding');
    const tabletop = await wand(['run', '-'], { stdin: 'print(1)' });
    expect(tabletop.stdout).toContain('Holding: nothing');
  });

  it('--world mobile --config FILE gives the simulator the config\'s named places', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wand-places-'));
    const config = join(dir, 'robot.json');
    writeFileSync(config, JSON.stringify({ places: { dock: [1, 0.5] } }));
    const r = await wand(['run', '-', '--world', 'mobile', '--config', config, '--json'], { stdin: "goTo('dock');\nprint(getPose());" });
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.world.namedPositions).toEqual({ dock: { x: 1, y: 0.5, z: 0 } });
    expect(result.state.robot.pose.x).toBeCloseTo(1, 1);
    expect(result.state.robot.pose.y).toBeCloseTo(0.5, 1);
    // The room's own places are not the robot's.
    const door = await wand(['run', '-', '--world', 'mobile', '--config', config, '--json'], { stdin: "goTo('door');" });
    expect(JSON.parse(door.stdout).error).toMatchObject({ kind: 'unknown_object', message: expect.stringContaining('known places: "dock"') });
  });

  it('putOn of an object onto itself fails before anything moves', async () => {
    const scene = sceneFile([{ kind: 'block', color: 'red', position: { x: 0.4, y: 0.1 } }]);
    const before = JSON.parse((await wand(['run', '-', '--scene', scene, '--json'], { stdin: 'print(1)' })).stdout).state;
    const r = await wand(['run', '-', '--scene', scene, '--json'], { stdin: "putOn('red block', 'red block');" });
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.error).toMatchObject({ kind: 'validation', primitive: 'putOn', line: 1 });
    expect(result.simTimeS).toBe(0);
    expect(result.state).toEqual(before);
  });
});
