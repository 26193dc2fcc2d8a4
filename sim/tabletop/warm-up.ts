import { parseScene } from './scene.ts';
import { createTabletopSim } from './sim.ts';

// The first simulated seconds in a process run several times slower than the rest: V8 starts rapier's
// WebAssembly in its baseline compiler and optimises the hot functions in the background (measured: ~2-3 s
// of extra wall time on the 2-core machine, however long the program). Callers that have time to spare
// before a program runs (waiting for the model, starting a server) can pay that cost up front.

let warming: Promise<void> | undefined;

/** Runs one pick-and-place in a throwaway world, once per process. Yields as it goes, so it overlaps I/O waits. */
export function warmUpTabletopSim(): Promise<void> {
  warming ??= (async () => {
    const go = new AbortController().signal;
    const sim = await createTabletopSim(
      parseScene({ objects: [{ kind: 'block', color: 'red', position: { x: 0.5, y: 0 } }, { kind: 'bowl', color: 'blue', position: { x: 0.5, y: 0.2 } }] }),
    );
    try {
      await sim.moveTo({ x: 0.5, y: 0, z: 0.1 }, go);
      await sim.moveTo({ x: 0.5, y: 0, z: 0.02 }, go);
      await sim.closeGripper(go);
      await sim.moveTo({ x: 0.5, y: 0.2, z: 0.1 }, go);
      await sim.openGripper(go);
      await sim.wait(1, go);
    } finally {
      await sim.dispose();
    }
  })();
  return warming;
}
