export { DEFAULT_LIMITS, type SandboxLimits } from './limits.ts';
export { CONSOLE_ALIASES, runInSandbox, type GuestCall, type RunOptions, type SandboxResult } from './run.ts';
export { FATAL_KINDS } from './call-errors.ts';
export { transpile } from './transpile.ts';
export { warmUp } from './worker-pool.ts';
