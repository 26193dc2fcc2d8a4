import type { CheckOptions } from './analyze.ts';
import type { SkillUsage } from '../skills/checker.ts';

// Messages between the host (thread.ts) and the type-checker thread (check-worker-main.ts).

export type CheckJob = { id: number; dts: string } & (
  | { type: 'warm' }
  | { type: 'program'; source: string; declarations: string; opts: CheckOptions }
  | { type: 'skill'; code: string; declarations: string; usage?: SkillUsage }
);

export type CheckerMessage =
  | { type: 'ready' }
  /** The job's checker is warm and the check itself begins: the time budget starts now. */
  | { type: 'started'; id: number }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'failed'; id: number; message: string };
