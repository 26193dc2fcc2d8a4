import type { ErrorInfo } from '../core/errors.ts';
import type { StateSnapshot, WorldInfo } from '../../primitives/backend.ts';

/** One primitive call as it happened. */
export interface CallRecord {
  primitive: string;
  args: unknown[];
  ok: boolean;
  ms: number;
  line?: number;
  error?: string;
  /** Answered by a stand-in in the simulator (a declared robot interface it has no model of). */
  notSimulated?: true;
  /** The last progress the call reported (an action's feedback). */
  progress?: string;
  /** Facts the call stated that are not failures, e.g. "the target "top left corner" is occupied by the purple bowl". */
  notes?: string[];
  /** Other objects the call moved more than "did not move" allows, with how far (metres). */
  pushed?: { object: string; distance: number }[];
}

/** The `wand run --json` contract; `wand ask` embeds it per round. */
export interface RunResult {
  ok: boolean;
  error: ErrorInfo | null;
  output: string[];
  calls: CallRecord[];
  state: StateSnapshot;
  world: WorldInfo;
  simTimeS: number;
  wallTimeMs: number;
}

/** What a running program reports as it goes, for progress lines and the session page. */
export type RunEvent =
  | { type: 'call'; primitive: string; args: unknown[]; line?: number }
  | { type: 'callEnd'; record: CallRecord }
  /** A fact a call states while it runs (before the arm moves, for a crowded target). */
  | { type: 'note'; primitive: string; text: string; line?: number }
  | { type: 'output'; text: string }
  | { type: 'say'; text: string }
  | { type: 'progress'; primitive: string; text: string; line?: number };
