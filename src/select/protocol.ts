import type { ErrorInfo } from '../core/errors.ts';
import type { RunResult } from '../run/result.ts';
import type { SceneSpec } from '../../sim/tabletop/scene.ts';

// Messages between the candidate pool (pool.ts) and its simulation workers (sim-worker-main.ts).

export interface SimJob {
  /** The world to build: a copy of the target as it is now. */
  scene: SceneSpec;
  source: string;
  prelude?: string;
}

export type HostMessage = ({ type: 'run'; id: number } & SimJob) | { type: 'abort'; id: number };

export type SimWorkerMessage =
  | { type: 'ready' }
  | { type: 'done'; id: number; result: RunResult }
  | { type: 'failed'; id: number; error: ErrorInfo };
