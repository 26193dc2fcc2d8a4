import type { Backend } from '../../primitives/backend.ts';
import type { EnvelopeEvent } from './envelope.ts';

/**
 * A backend whose robot can fail on its own (link lost, odometry stale) arms per program and gives the
 * runner a signal that aborts the whole program on such a fault — not just the motion in progress.
 */
export interface ProgramGuard {
  /** Arms the robot for a new program (the only way to re-arm after a reconnect); throws a WandError when it cannot. */
  beginProgram(): Promise<AbortSignal>;
  endProgram(): void;
}

export function programGuardOf(backend: Backend): ProgramGuard | null {
  const b = backend as Partial<ProgramGuard>;
  return typeof b.beginProgram === 'function' && typeof b.endProgram === 'function' ? (b as ProgramGuard) : null;
}

/** A simulated copy of the robot, started from its current pose, where a program runs before it reaches the robot. */
export interface RehearsalTwin {
  backend: Backend;
  /** The twin's envelope (the mobile base's or the arm's): what it refused or stopped. */
  envelope: { readonly events: EnvelopeEvent[] };
  /** Collisions the simulated robot had, also those the program caught. */
  collisions(): string[];
}

export interface Rehearsable {
  createRehearsal(): Promise<RehearsalTwin>;
}

export function rehearsableOf(backend: Backend): Rehearsable | null {
  const b = backend as Partial<Rehearsable>;
  return typeof b.createRehearsal === 'function' ? (b as Rehearsable) : null;
}
