import { WandError } from '../core/errors.ts';

export interface SandboxLimits {
  /** Wall-clock budget for the whole run, including time spent inside primitives. */
  timeoutMs: number;
  /** Heap the guest may allocate (strings, arrays, objects). */
  memoryBytes: number;
  /** QuickJS stack budget; deep recursion ends with kind 'stack'. */
  stackBytes: number;
  /** Primitive calls per run; a program stuck calling cheap primitives ends instead of spinning forever. */
  maxCalls: number;
  /**
   * Characters of JSON one primitive call may pass (all its arguments). Checked inside the sandbox, so a
   * bigger payload never reaches the host; such a call fails with kind 'validation' (print/say: 'output').
   */
  argChars: number;
  /** How deeply one call's arguments may nest (an object in the argument list is level 1). */
  argDepth: number;
}

export const DEFAULT_LIMITS: SandboxLimits = Object.freeze({
  timeoutMs: 30_000,
  memoryBytes: 64 * 1024 * 1024,
  stackBytes: 512 * 1024,
  maxCalls: 100_000,
  // The same size as the whole output budget: no single print can be bigger than all output together.
  argChars: 1 << 20,
  argDepth: 64,
});

// The worker thread's native stack must outgrow the guest's QuickJS stack, or V8 overflows first
// (measured: a 4 MiB worker stack holds a 1 MiB QuickJS stack, an 8 MiB one does not hold 4 MiB).
export const MAX_STACK_BYTES = 2 * 1024 * 1024;
export const WORKER_STACK_MB = 16;
// QuickJS's wasm addresses at most 2 GiB, 16 MiB of which its own data and C stack use.
const MAX_MEMORY_BYTES = 2 * 1024 * 1024 * 1024 - 16 * 1024 * 1024;
// Node runs longer setTimeout delays after 1 ms instead.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export function resolveLimits(partial: Partial<SandboxLimits> = {}): SandboxLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof SandboxLimits)[]) {
    const value = partial[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value > 0)) {
      throw new WandError('usage', `sandbox limit ${key} must be a positive number, got ${String(value)}`);
    }
    limits[key] = value;
  }
  limits.stackBytes = Math.min(limits.stackBytes, MAX_STACK_BYTES);
  limits.memoryBytes = Math.min(limits.memoryBytes, MAX_MEMORY_BYTES);
  limits.timeoutMs = Math.min(limits.timeoutMs, MAX_TIMEOUT_MS);
  return limits;
}
