import { openSimulator } from '../../src/backends/open.ts';
import type { BackendOptions } from '../../src/backends/options.ts';
import { runProgram } from '../../src/run/run-program.ts';
import type { RunResult } from '../../src/run/result.ts';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const defaults: BackendOptions = { world: 'tabletop', seed: 0, backend: 'sim', rehearse: true };

export function sceneFile(objects: { kind: string; color: string; position: { x: number; y: number; z?: number } }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'wand-scene-'));
  const path = join(dir, 'scene.json');
  writeFileSync(path, JSON.stringify({ objects }));
  return path;
}

/** Runs a program on a fresh simulated tabletop and returns the result with the initial objects. */
export async function runOnTabletop(source: string, options: Partial<BackendOptions> = {}) {
  const target = await openSimulator({ ...defaults, ...options });
  const before = target.backend.state().objects;
  try {
    const result: RunResult = await runProgram({ source, backend: target.backend, primitives: target.primitives });
    return { result, before };
  } finally {
    await target.backend.dispose();
  }
}
