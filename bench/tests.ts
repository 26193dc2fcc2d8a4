// The test suite as CI runs it: `npm test` (the whole-project type-check, then every test file, two at a time)
// timed as one process, beside the goal. Heavy: run it alone (`flock /tmp/wand-heavy.lock npm run bench -- tests`).
//   node --import tsx bench/tests.ts
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GOAL_S = 180;

console.log(`Machine: ${availableParallelism()} cores, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)}`);
// Type-checking is incremental (tsconfig's build info): what a re-run with nothing changed costs.
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
const t0 = performance.now();
const typecheck = spawnSync(process.execPath, [tsc, '--noEmit', '-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
console.log(`type-check of the whole project (incremental): ${((performance.now() - t0) / 1000).toFixed(1)} s${typecheck.status === 0 ? '' : ' (FAILED)'}`);

const t1 = performance.now();
const run = spawnSync('npm', ['test', '--silent'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const s = (performance.now() - t1) / 1000;
const summary = (run.stdout + run.stderr).split('\n').filter((l) => /^\s*(Test Files|Tests)\s/.test(l.replace(/\x1b\[[0-9;]*m/g, '')));
console.log(summary.map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trim()).join('\n'));
console.log(`npm test: ${s.toFixed(0)} s, ${run.status === 0 ? 'passed' : 'FAILED'}   goal ≤ ${GOAL_S} s on the 2-core machine${s <= GOAL_S ? '  ok' : '  NOT MET'}`);
process.exit(run.status === 0 ? 0 : 1);
