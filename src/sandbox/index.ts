export { DEFAULT_LIMITS, type SandboxLimits } from './limits.ts';
export { CONSOLE_ALIASES, runInSandbox } from './run.ts';
export type { GuestCall, RunOptions, SandboxResult } from './run-types.ts';
export { FATAL_KINDS } from './call-errors.ts';
export { transpile } from './transpile.ts';
export { warmUp } from './worker-pool.ts';
