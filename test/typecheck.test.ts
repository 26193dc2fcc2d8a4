import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.ts';

// The sources run through esbuild (the bundle) or tsx, which strip types without checking them; this is where
// they are checked. tsconfig.json makes tsc incremental (its build info lives under node_modules/.cache), so
// after the first run only what changed is checked again: seconds instead of a minute and a half under load.

describe('TypeScript', () => {
  it('the whole project type-checks (tsc --noEmit)', async () => {
    const tsc = new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname;
    const run = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', 'tsconfig.json'], { cwd: ROOT }).then(
      () => ({ ok: true, out: '' }),
      (err: { stdout?: string }) => ({ ok: false, out: err.stdout ?? String(err) }),
    );
    expect(run.out).toBe('');
    expect(run.ok).toBe(true);
  }, 120_000);
});
