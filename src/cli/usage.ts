import { parseArgs, type ParseArgsConfig } from 'node:util';
import { WandError } from '../core/errors.ts';

/** Bad command-line input: exit code 2 and one clear sentence, no stack trace. */
export class UsageError extends Error {}

export function exitWithError(err: unknown): never {
  if (err instanceof UsageError || (err instanceof WandError && err.kind === 'usage')) {
    process.stderr.write(`wand: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof WandError) {
    process.stderr.write(`wand: ${err.message}\n`);
    // Ctrl-C before the command had anything to report (connecting to a robot, say): the usual 130.
    process.exit(err.kind === 'aborted' ? 130 : 1);
  }
  process.stderr.write(`wand: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}

/** node:util parseArgs, with its errors turned into usage errors that show the command's help. */
export function parseCommandLine<T extends ParseArgsConfig['options']>(
  argv: string[],
  options: T,
  usage: string,
  allowPositionals = true,
) {
  try {
    const parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
    if ((parsed.values as Record<string, unknown>).help) {
      process.stdout.write(usage + '\n');
      process.exit(0);
    }
    return parsed;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${usage}`);
  }
}

export function numberFlag(value: string | undefined, name: string, opts: { min?: number; integer?: boolean } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  // Past 2^53 integers are no longer exact: --seed 9007199254740993 would quietly be another seed.
  if (opts.integer && Number.isInteger(n) && !Number.isSafeInteger(n)) {
    throw new UsageError(`--${name} must be at most ${Number.MAX_SAFE_INTEGER} (larger integers are not exact), got "${value}"`);
  }
  if (!Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min)) {
    throw new UsageError(
      `--${name} must be ${opts.integer ? 'an integer' : 'a number'}${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}, got "${value}"`,
    );
  }
  return n;
}
