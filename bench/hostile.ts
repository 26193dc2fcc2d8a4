// Hostile input, measured (issue 10): how fast a reply too big or too slow to check becomes a
// diagnostic, how fast an abort is answered while a check runs, and the peak memory of whole `wand run`
// processes given a 20 MB argument in a loop or one nested 5,000 deep, beside a one-line program.
// Run: node --import tsx bench/hostile.ts

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDts, primitivesFor } from '../primitives/index.ts';
import { ProgramChecker } from '../src/check/index.ts';
import { CHECK_BUDGET_MS } from '../src/check/limits.ts';
import { WandError } from '../src/core/errors.ts';

const WAND = fileURLToPath(new URL('../bin/wand.js', import.meta.url));
const ms = (v: number) => `${v.toFixed(1)} ms`;
const row = (label: string, value: string, goal?: string, ok?: boolean) =>
  console.log(`  ${label.padEnd(62)} ${value.padStart(10)}${goal ? `  (goal ${goal}${ok === false ? ': OVER GOAL' : ''})` : ''}`);

const checker = new ProgramChecker(generateDts(primitivesFor('tabletop')));
await checker.warm();

async function timedCheck(source: string, c = checker): Promise<{ ms: number; message: string }> {
  const t0 = performance.now();
  const r = await c.check(source);
  return { ms: performance.now() - t0, message: r.diagnostics[0]?.message ?? '(no diagnostic)' };
}

console.log('Reply → check diagnostic (the checker warm):');
const terms25k = await timedCheck(`print(${Array(25_000).fill('1').join(' + ')});`);
row('25,000-term sum (refused by size, before TypeScript)', ms(terms25k.ms), '≤ 100 ms', terms25k.ms <= 100);
const chain = await timedCheck(`print(${Array(5_000).fill('1').join(' + ')});`);
row('5,000-term sum (refused by syntax depth, in the checker thread)', ms(chain.ms), '≤ 500 ms', chain.ms <= 500);
const flat = Array.from({ length: 2_000 }, (_, i) => `const v${i} = getObjects().length + ${i};`).join('\n');
const ordinary = await timedCheck(flat);
row('2,000 statements, 80 KB (checked in full)', ms(ordinary.ms), `≤ ${CHECK_BUDGET_MS / 1000} s budget`, ordinary.ms <= CHECK_BUDGET_MS);
const budgetMs = 50;
const overrun = await timedCheck(`${flat}\n// again`, new ProgramChecker(generateDts(primitivesFor('tabletop')), '', { budgetMs }));
const over = /longer than/.test(overrun.message);
row(`the same with a ${budgetMs} ms budget: ${over ? 'over budget, thread replaced' : 'NOT STOPPED'}`, ms(overrun.ms), `≈ ${budgetMs} ms`, over && overrun.ms < budgetMs + 100);
await checker.warm(); // the replacement thread, warm again

// An abort while a check runs: the caller is answered at once; the thread finishes or is replaced.
console.log('\nAbort (Ctrl-C, e-stop) while a check runs:');
const latencies: number[] = [];
for (let i = 0; i < 5; i++) {
  const controller = new AbortController();
  const pending = checker.check(`${flat}\n// ${i}`, { signal: controller.signal }).catch((e: unknown) => e);
  await new Promise((r) => setTimeout(r, 30));
  const t0 = performance.now();
  controller.abort(new WandError('aborted', 'stopped by Ctrl-C'));
  const outcome = await pending;
  if (outcome instanceof WandError) latencies.push(performance.now() - t0);
}
const worst = Math.max(...latencies);
row(`abort → check answered (worst of ${latencies.length} caught mid-check)`, latencies.length ? ms(worst) : 'n/a', '≤ 100 ms', worst <= 100);

// The same as a person meets it: Ctrl-C to `wand ask` while its check runs, until the process has exited.
const ctrlC = await new Promise<{ ms: number; code: number | null; json: boolean }>((resolve) => {
  const cwd = mkdtempSync(join(tmpdir(), 'wand-bench-ctrlc-'));
  const child = spawn(process.execPath, [WAND, 'ask', 'count', '--llm', 'manual', '--no-verify', '--json'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let sent = 0;
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    if (sent || !String(d).includes('your reply')) return;
    child.stdin.write('```js\n' + flat + '\nprint(v0);\n```\n.\n');
    setTimeout(() => {
      sent = performance.now();
      child.kill('SIGINT');
    }, 50);
  });
  child.on('close', (code) => resolve({ ms: performance.now() - sent, code, json: stdout.trim().startsWith('{') }));
});
row(`wand ask: Ctrl-C during the check → exited (${ctrlC.code}, ${ctrlC.json ? 'one JSON result' : 'NO JSON'})`, ms(ctrlC.ms), '≤ 100 ms to act; exit includes shutting down', ctrlC.code === 130 && ctrlC.json);

// Whole processes under /usr/bin/time -v.
console.log('\nwand run --json, whole processes (peak resident memory):');
if (!existsSync('/usr/bin/time')) console.log('  (no /usr/bin/time on this machine)');
else {
  const dir = mkdtempSync(join(tmpdir(), 'wand-bench-hostile-'));
  const peak = (name: string, program: string) => {
    const file = join(dir, `${name}.js`);
    writeFileSync(file, program);
    const t0 = performance.now();
    const r = spawnSync('/usr/bin/time', ['-v', process.execPath, WAND, 'run', file, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? NaN);
    const lines = r.stdout.trim().split('\n').length;
    return { mib: kb / 1024, wallMs: performance.now() - t0, oneJson: lines === 1 && r.stdout.startsWith('{') };
  };
  const base = peak('base', 'print(1);');
  row('print(1): the baseline', `${base.mib.toFixed(0)} MiB`);
  const big = peak('big', "const big = 'x'.repeat(20e6);\nfor (let i = 0; i < 500; i++) { try { holding(big); } catch (e) {} }\n");
  row(`20 MB argument, 500 caught calls (${big.oneJson ? 'one JSON result' : 'NO JSON RESULT'})`, `${big.mib.toFixed(0)} MiB`, '≤ baseline + 100 MiB', big.oneJson && big.mib <= base.mib + 100);
  const deep = peak('deep', "let a = 'x';\nfor (let i = 0; i < 5000; i++) a = [a];\nholding(a);\n");
  row(`argument nested 5,000 deep (${deep.oneJson ? 'one JSON result' : 'NO JSON RESULT'})`, `${deep.mib.toFixed(0)} MiB`, '≤ baseline + 100 MiB', deep.oneJson && deep.mib <= base.mib + 100);
}
