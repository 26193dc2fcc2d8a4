// Start-up as a user feels it: whole `node bin/wand.js` processes (wall time, CPU, peak memory from
// /usr/bin/time), beside the figures the process reports about itself. Each figure is printed beside its goal.
//   node --import tsx bench/startup.ts [--runs N]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBundle, freshBundle } from '../bin/bundle.js';
import { RosbridgeTestServer } from '../test/helpers/rosbridge-server.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WAND = join(ROOT, 'bin/wand.js');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const TIME = '/usr/bin/time';
const hasTime = existsSync(TIME);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const dir = mkdtempSync(join(tmpdir(), 'wand-bench-startup-'));

interface Process {
  wallS: number;
  cpuS: number;
  peakMiB: number;
  stdout: string;
}

/** One whole process under /usr/bin/time (wall, user + system CPU, peak resident memory). */
function measure(args: string[], stdin = ''): Process {
  const format = ['-f', 'WAND_TIME %e %U %S %M'];
  const started = performance.now();
  const r = hasTime
    ? spawnSync(TIME, [...format, process.execPath, ...args], { cwd: ROOT, input: stdin, encoding: 'utf8' })
    : spawnSync(process.execPath, args, { cwd: ROOT, input: stdin, encoding: 'utf8' });
  if (!hasTime) return { wallS: (performance.now() - started) / 1000, cpuS: NaN, peakMiB: NaN, stdout: r.stdout };
  const line = r.stderr.split('\n').find((l) => l.startsWith('WAND_TIME '));
  if (!line) throw new Error(`no timing for ${args.join(' ')}: ${r.stderr}`);
  const [wall, user, sys, kb] = line.split(' ').slice(1).map(Number) as [number, number, number, number];
  return { wallS: wall, cpuS: user + sys, peakMiB: kb / 1024, stdout: r.stdout };
}

/** The median of several runs of the same process, per figure. */
function repeat(args: string[], stdin = '', runs = RUNS): Process & { runs: Process[] } {
  const all = Array.from({ length: runs }, () => measure(args, stdin));
  return {
    wallS: median(all.map((p) => p.wallS)),
    cpuS: median(all.map((p) => p.cpuS)),
    peakMiB: Math.max(...all.map((p) => p.peakMiB)),
    stdout: all.at(-1)!.stdout,
    runs: all,
  };
}

function row(label: string, value: string, goal?: { text: string; ok: boolean }): void {
  console.log(`${label.padEnd(58)} ${value.padStart(16)}${goal ? `   goal ${goal.text}${goal.ok ? '  ok' : '  NOT MET'}` : ''}`);
}
const s = (v: number) => `${v.toFixed(2)} s`;
const cpu = (p: Process) => (Number.isNaN(p.cpuS) ? '' : `, ${p.cpuS.toFixed(2)} s CPU`);

console.log(`Machine: ${availableParallelism()} cores, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)}`);
console.log(`Whole processes, median of ${RUNS} runs${hasTime ? ' (wall, CPU = user + system, peak = max resident, from /usr/bin/time)' : ' (no /usr/bin/time: wall only)'}:\n`);
if (!freshBundle()) await buildBundle(); // as `npm ci` leaves it

// The yardstick: a bare Node process that loads QuickJS and rapier and evaluates one line.
const bareFile = join(dir, 'bare.mjs');
writeFileSync(
  bareFile,
  `import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(join(ROOT, 'package.json'))});
const RAPIER = (await import(require.resolve('@dimforge/rapier3d-compat'))).default;
const { newQuickJSWASMModuleFromVariant } = await import(require.resolve('quickjs-emscripten-core'));
const variant = (await import(require.resolve('@jitl/quickjs-wasmfile-release-sync'))).default;
await RAPIER.init();
const vm = (await newQuickJSWASMModuleFromVariant(variant)).newContext();
console.log(vm.dump(vm.unwrapResult(vm.evalCode('1 + 1'))));
`,
);
const bare = repeat([bareFile]);
row('bare process: QuickJS + rapier loaded, one line evaluated', `${s(bare.wallS)}${cpu(bare)}`);
row('  its peak memory', `${bare.peakMiB.toFixed(0)} MiB`);
// What V8 needs to compile rapier's 350 kB step function (Liftoff), the first time any world steps.
const steppedFile = join(dir, 'stepped.mjs');
writeFileSync(
  steppedFile,
  `import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
setFlagsFromString('--liftoff-only');
const require = createRequire(${JSON.stringify(join(ROOT, 'package.json'))});
const RAPIER = (await import(require.resolve('@dimforge/rapier3d-compat'))).default;
await RAPIER.init();
new RAPIER.World({ x: 0, y: 0, z: -9.81 }).step();
`,
);
const stepped = repeat([steppedFile], '', 3);
row('  a bare process that steps one empty rapier world: peak', `${stepped.peakMiB.toFixed(0)} MiB`);

const print = repeat([WAND, 'run', '-', '--json'], 'print(1)');
const inside = JSON.parse(print.stdout) as { wallTimeMs: number };
row('wand run of print(1)', `${s(print.wallS)}${cpu(print)}`, { text: `≤ 2x bare (${s(2 * bare.wallS)})`, ok: print.wallS <= 2 * bare.wallS });
row('  ratio to the bare process (wall)', `${(print.wallS / bare.wallS).toFixed(2)}x`);
row('  in-process: the run itself (wallTimeMs)', `${inside.wallTimeMs} ms`);
row('  peak memory', `${print.peakMiB.toFixed(0)} MiB`, { text: '≤ 150 MiB', ok: print.peakMiB <= 150 });

const help = repeat([WAND, '--help']);
row('wand --help (node bin/wand.js)', `${s(help.wallS)}${cpu(help)}`, { text: '≤ 0.20 s', ok: help.wallS <= 0.2 });
const npxStarted = performance.now();
const npx = spawnSync('npx', ['wand', '--help'], { cwd: ROOT, encoding: 'utf8' });
const npxS = (performance.now() - npxStarted) / 1000;
row('npx wand --help (npm resolving the bin first)', npx.status === 0 ? s(npxS) : 'failed', {
  text: 'no seconds added (README: node bin/wand.js)',
  ok: npx.status === 0 && npxS - help.wallS < 1,
});

// A fresh-process simulation: twelve pick-and-place moves on the README's example scene.
const TWELVE = `const targets = ['blue bowl', 'red bowl', 'top left corner', 'bottom right corner', 'middle', 'left side'];
const blocks = ['red block', 'blue block', 'green block'];
for (let i = 0; i < 12; i++) putOn(blocks[i % 3], targets[i % targets.length]);`;
const twelve = repeat([WAND, 'run', '-', '--scene', join(ROOT, 'examples/scene.json'), '--json'], TWELVE, 3);
const speeds = twelve.runs.map((p) => {
  const r = JSON.parse(p.stdout) as { ok: boolean; simTimeS: number; wallTimeMs: number };
  if (!r.ok) throw new Error('the 12-move program failed');
  return { x: (r.simTimeS * 1000) / r.wallTimeMs, simS: r.simTimeS, ms: r.wallTimeMs };
});
const speed = median(speeds.map((v) => v.x));
row(
  `12 moves (${speeds[0]!.simS.toFixed(0)} s simulated), fresh wand run: simTimeS / wallTimeMs`,
  `${speed.toFixed(0)}x real time`,
  { text: '≥ 50x', ok: speed >= 50 },
);
row('  the whole process', `${s(twelve.wallS)}${cpu(twelve)}, ${twelve.peakMiB.toFixed(0)} MiB`);
console.log('  (warm, in-process: `npm run bench -- sim`, goal ≥ 150x)');

// A robot: launch → first non-zero velocity command at the bridge (connect, arm, rehearse), and a Ctrl-C
// while it is still connecting.
const bridge = await RosbridgeTestServer.start();
try {
  const firstMotion: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = bridge.elapsedMs();
    const child = spawn(process.execPath, [WAND, 'run', '-', '--backend', 'ros', '--url', bridge.url, '--json'], { cwd: ROOT, stdio: ['pipe', 'ignore', 'ignore'] });
    child.stdin.end('drive(0.2);\ndrive(-0.2);');
    await new Promise((r) => child.on('close', r));
    const first = bridge.publishes('/cmd_vel').find((f) => f.t >= t0 && (f.frame.msg.linear.x !== 0 || f.frame.msg.angular.z !== 0));
    if (!first) throw new Error('the robot never moved');
    firstMotion.push(first.t - t0);
    await new Promise((r) => setTimeout(r, 600)); // the base's command timeout: the next run starts from rest
  }
  const launch = median(firstMotion) / 1000;
  row('ROS robot: launch → first motion (connect, arm, rehearse)', s(launch), { text: '≤ 1.50 s', ok: launch <= 1.5 });

  bridge.stopOdometry(); // Wand now waits for odometry after connecting: Ctrl-C lands mid start-up
  const clients = bridge.clientCount();
  const child = spawn(process.execPath, [WAND, 'run', '-', '--backend', 'ros', '--url', bridge.url, '--json'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'ignore'] });
  child.stdin.end('drive(0.2);');
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  while (bridge.clientCount() < clients + 2) await new Promise((r) => setTimeout(r, 5));
  const sent = performance.now();
  child.kill('SIGINT');
  await new Promise((r) => child.on('close', r));
  const exitMs = performance.now() - sent;
  bridge.resumeOdometry();
  const lines = out.trim().split('\n');
  const kind = lines.length === 1 ? (JSON.parse(lines[0]!) as { error?: { kind: string } }).error?.kind : `${lines.length} lines`;
  row('ROS robot: Ctrl-C while connecting → exit', `${exitMs.toFixed(0)} ms`, { text: 'one JSON result (kind aborted)', ok: kind === 'aborted' });
} finally {
  await bridge.close();
}
