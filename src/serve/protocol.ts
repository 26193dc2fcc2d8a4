import { z } from 'zod';
import type { ErrorInfo } from '../core/errors.ts';
import type { CallRecord, RunEvent, RunResult } from '../run/result.ts';
import type { WorldInfo } from '../../primitives/backend.ts';
import type { ObjectKind } from '../../primitives/schemas.ts';
import type { RoomSpec } from '../../sim/mobile/room.ts';

// The websocket protocol between a session page and the server, in one place. Messages are JSON objects
// with a `type`. What the page sends is untrusted and validated here with zod; what the server sends is
// typed only (the page trusts its own server). The page imports these types, never the schemas, so zod
// does not end up in the browser bundle.

export const MAX_SOURCE_CHARS = 100_000;
export const MAX_INSTRUCTION_CHARS = 4_000;
/** Frames above this are refused by the websocket itself (close 1009). */
export const MAX_MESSAGE_BYTES = 256 * 1024;

export const WORLDS = ['tabletop', 'mobile'] as const;
export type WorldName = (typeof WORLDS)[number];

export const ClientMessage = z.discriminatedUnion('type', [
  /** Run a program from the editor directly, no model involved. */
  z.strictObject({ type: z.literal('run'), source: z.string().min(1).max(MAX_SOURCE_CHARS) }),
  /** An instruction for the `wand ask` loop. */
  z.strictObject({ type: z.literal('ask'), instruction: z.string().trim().min(1).max(MAX_INSTRUCTION_CHARS) }),
  /** E-stop: abort whatever runs and bring the robot to rest. */
  z.strictObject({ type: z.literal('stop') }),
  /** The current scene back to how it started. */
  z.strictObject({ type: z.literal('reset') }),
  /** A new random scene (a given or a random seed). */
  z.strictObject({ type: z.literal('newScene'), seed: z.number().int().min(0).max(2 ** 31 - 1).optional() }),
  z.strictObject({ type: z.literal('world'), world: z.enum(WORLDS) }),
  /** Simulated seconds per wall second for watching (1 = real time); null runs as fast as the CPU allows. */
  z.strictObject({ type: z.literal('speed'), speed: z.number().min(0.1).max(100).nullable() }),
  /** The person's answer to an `approval` (wand serve --approve): move the robot or leave it still. */
  z.strictObject({ type: z.literal('approve'), job: z.number().int().min(1), yes: z.boolean() }),
  /** Echoed as `pong`: round-trip time for the connection indicator and the bench. */
  z.strictObject({ type: z.literal('ping'), t: z.number().finite() }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export interface ModelStatus {
  configured: boolean;
  /** "gpt-4o-mini at http://localhost:11434/v1", or how to configure one. */
  text: string;
}

export interface SessionStatus {
  model: ModelStatus;
  /** "simulator (tabletop, seed 3)" or "ROS robot at ws://..." */
  backend: string;
  kind: 'sim' | 'ros';
  world: WorldName;
  /** Simulation speed for watching; null: as fast as possible. */
  speed: number | null;
  /** wand serve --approve: every robot program waits for the person's yes on the page. */
  approval: boolean;
}

export interface SceneObjectInfo {
  name: string;
  kind: ObjectKind;
  color: string;
  size: { x: number; y: number; z: number };
}

/** The robot arm's description for drawing it: URDF text, and the frame that sits at the world origin. */
export interface SceneArmInfo {
  urdf: string;
  baseFrame: string;
}

/**
 * A compact state frame, sent about 30 times a second. Objects come as arrays in the order of the last
 * `scene` message: [x, y, z] or [x, y, z, qx, qy, qz, qw] when the simulator reports orientations.
 */
export interface StateFrame {
  type: 'state';
  seq: number;
  /** Server wall clock (ms since the epoch) when sampled, for latency measurements. */
  t: number;
  /** Simulated seconds. */
  sim: number;
  robot: Record<string, unknown>;
  holding: string | null;
  o: number[][];
  /** The robot's live pose (x, y, yaw degrees) from odometry, when the backend is a real robot. */
  odom?: { x: number; y: number; yaw: number };
  /** The view shows the simulator rehearsal of a robot program, not the robot. */
  rehearsal?: true;
}

export type JobKind = 'run' | 'ask';

/** One summary of a finished run, without the bulky final state (the state stream already shows it). */
export type RunSummary = Omit<RunResult, 'state' | 'world'>;

export function runSummary(result: RunResult): RunSummary {
  const { state: _state, world: _world, ...summary } = result;
  return summary;
}

export type ServerMessage =
  | { type: 'hello'; status: SessionStatus; limits: { source: number; instruction: number } }
  | { type: 'status'; status: SessionStatus }
  /** The object list (and, for the mobile world, the room's layout) that the following state frames pose. */
  | { type: 'scene'; world: WorldInfo; label: string; objects: SceneObjectInfo[]; room?: RoomSpec; arm?: SceneArmInfo }
  | StateFrame
  | { type: 'busy'; job: number | null; kind?: JobKind }
  | { type: 'job'; job: number; kind: 'run'; source: string }
  | { type: 'job'; job: number; kind: 'ask'; instruction: string }
  | { type: 'round'; job: number; round: number }
  /** A request to the model is under way (for a program, a missing helper, or the verdict). */
  | { type: 'waiting'; job: number; round: number; purpose: 'program' | 'helper' | 'verify' }
  | { type: 'note'; job: number; round?: number; text: string }
  /** The creation step: the round's program defines this documented, reusable function, then calls it. */
  | { type: 'tool'; job: number; round: number; name: string; signature: string; description: string; code: string }
  | { type: 'program'; job: number; round: number; source: string; reply?: string }
  | { type: 'check'; job: number; round: number; ok: boolean; diagnostics: string[] }
  /** A call, output or say() as it happens; `rehearsal` when it happened in a robot program's simulator rehearsal. */
  | { type: 'run'; job: number; round?: number; event: RunEvent; rehearsal?: true }
  | { type: 'result'; job: number; round?: number; result: RunSummary }
  | { type: 'verdict'; job: number; round: number; done: boolean; critique: string }
  /**
   * A robot program passed its rehearsal and waits for the person (wand serve --approve); answered with
   * `approve`. No rehearsal with --no-rehearse.
   */
  | {
      type: 'approval';
      job: number;
      source: string;
      target: string;
      rehearsal?: { calls: number; simTimeS: number; notSimulated?: string[] };
      /** Declared interfaces it calls that move the robot and could not be rehearsed. */
      unrehearsed?: string[];
    }
  /** The skills library around an instruction: what was offered before it, what was used or stored after it. */
  | { type: 'skills'; job: number; lines: string[] }
  | { type: 'jobEnd'; job: number; ok: boolean; error: ErrorInfo | null; message?: string }
  | { type: 'pong'; t: number }
  | { type: 'error'; message: string; kind?: string };

export type { CallRecord, RunEvent };
