import { openBackend } from '../backends/open.ts';
import { BACKEND_FLAGS, BACKEND_USAGE, backendOptionsFrom } from '../backends/options.ts';
import { formatReport, rehearsalText } from '../run/report.ts';
import { unrehearsedText } from '../run/unrehearsed.ts';
import { UNREACHED, executeProgram, notStarted } from '../run/execute.ts';
import { warmUp } from '../sandbox/index.ts';
import { WandError } from '../core/errors.ts';
import { LineReader } from '../core/line-reader.ts';
import { APPROVE_FLAG, APPROVE_USAGE, approverFor } from './approval.ts';
import { readProgram } from './program-source.ts';
import { abortOnSignals, type SignalStop } from './signals.ts';
import { UsageError, numberFlag, parseCommandLine } from './usage.ts';
import { preferBaselineWasm } from './wasm-tier.ts';

const USAGE = `Usage: wand run FILE|- [options]

Runs a JavaScript or TypeScript program over the primitive API and reports what happened.

${BACKEND_USAGE}
${APPROVE_USAGE}
  --timeout S               the program's own wall-clock budget in seconds, counted from its first
                            instruction: start-up and a robot's rehearsal are not counted (default 30)
  --json                    print one JSON object instead of the report

Exit code: 0 when the program completed, 1 when it failed, 2 for usage errors.`;

export async function main(argv: string[], stop: SignalStop = abortOnSignals()): Promise<number> {
  try {
    return await runCommand(argv, stop.signal);
  } finally {
    stop.dispose();
  }
}

async function runCommand(argv: string[], signal: AbortSignal): Promise<number> {
  preferBaselineWasm();
  const { values, positionals } = parseCommandLine(
    argv,
    { ...BACKEND_FLAGS, ...APPROVE_FLAG, timeout: { type: 'string' }, json: { type: 'boolean' } },
    USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`expected one program file (or - for standard input)\n\n${USAGE}`);
  const timeoutS = numberFlag(values.timeout as string | undefined, 'timeout', { min: 0.001 });
  const options = backendOptionsFrom(values);
  if (values.approve && positionals[0] === '-') {
    throw new UsageError('--approve reads your answer from standard input, so the program must come from a file');
  }
  const stdin = new LineReader(process.stdin);
  const approve = approverFor(Boolean(values.approve), options, stdin);
  const started = performance.now();
  let source: string;
  let target;
  try {
    source = await readProgram(positionals[0]!, signal);
    // A robot's connection is mostly waiting: the sandbox worker starts meanwhile. (The simulator keeps both
    // cores busy by itself, and a worker started beside it only raises the peak memory.)
    if (options.backend === 'ros') void warmUp().catch(() => {});
    target = await openBackend(options, signal);
  } catch (err) {
    // With --json a robot that cannot be reached, or a Ctrl-C before the program started, is still one
    // result object, so tools can read why.
    if (!values.json || !(err instanceof WandError) || (err.kind !== 'connection' && err.kind !== 'aborted')) throw err;
    const world = { ...UNREACHED.world, name: options.backend === 'ros' ? 'ros' : options.world };
    process.stdout.write(JSON.stringify(notStarted(err.toInfo(), { ...UNREACHED, world }, started)) + '\n');
    stdin.close();
    return 1;
  }
  try {
    const result = await executeProgram({
      source,
      target,
      limits: timeoutS ? { timeoutMs: timeoutS * 1000 } : undefined,
      signal,
      rehearse: options.rehearse,
      approve,
      // Long calls (an action's feedback) show progress as they go, beside the report that comes at the end.
      onEvent: (e) => e.type === 'progress' && process.stderr.write(`  ${e.primitive}: ${e.text}\n`),
    });
    const notes = [result.rehearsal ? rehearsalText(result.rehearsal) : '', result.unrehearsed ? unrehearsedText(result.unrehearsed) : ''].filter(Boolean);
    const report = values.json ? resultJson(result) : [formatReport(result), ...notes].join('\n');
    process.stdout.write(report + '\n');
    return result.ok ? 0 : 1;
  } finally {
    stdin.close();
    // Closes robot connections too (after a last zero command), so the process can exit.
    await target.backend.dispose();
  }
}

/**
 * The --json result, always one object: records are bounded, but should anything in it still not
 * serialise (a backend's state), the outcome is printed without it rather than nothing at all.
 */
function resultJson(result: object): string {
  try {
    return JSON.stringify(result);
  } catch (err) {
    const { ok, error, simTimeS, wallTimeMs } = result as { ok: boolean; error: unknown; simTimeS: number; wallTimeMs: number };
    const note = `the full result could not be written as JSON (${(err as Error).message}); calls, output and state are left out`;
    return JSON.stringify({ ok, error, output: [], calls: [], state: null, world: null, simTimeS, wallTimeMs, note });
  }
}

