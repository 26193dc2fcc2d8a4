import { setTimeout as sleep } from 'node:timers/promises';
import type { Backend } from '../../primitives/backend.ts';

// Headless runs go as fast as the CPU allows; a person watching the page wants to see the motion. The
// simulators call `pace(simTimeS)` where they would otherwise just yield, and this waits until the wall
// clock has caught up with simulated time (times the chosen speed). Only motions are paced: the clocks are
// re-anchored after any pause, so time spent idle or waiting for the model is not "saved up".

export interface Paceable {
  pace: ((simTimeS: number) => Promise<void>) | null;
}

export function paceableOf(backend: Backend): Paceable | null {
  return 'pace' in backend ? (backend as unknown as Paceable) : null;
}

/** A gap between two calls longer than this (ms) means the simulator was idle: start a new anchor. */
const IDLE_GAP_MS = 100;

export class WallClockPacer {
  private anchorWall = 0;
  private anchorSim = 0;
  private lastCall = -Infinity;

  /** speed: simulated seconds per wall second (1 = real time). */
  constructor(public speed = 1) {}

  readonly pace = async (simTimeS: number): Promise<void> => {
    const now = performance.now();
    if (now - this.lastCall > IDLE_GAP_MS || simTimeS < this.anchorSim) {
      this.anchorWall = now;
      this.anchorSim = simTimeS;
    }
    const wait = this.anchorWall + ((simTimeS - this.anchorSim) * 1000) / this.speed - now;
    // Always give the event loop a turn (the e-stop and the state stream run there), sleeping when ahead.
    await sleep(Math.max(0, Math.min(wait, 250)));
    this.lastCall = performance.now();
  };
}
