import { parseScene } from './scene.ts';
import { createTabletopSim } from './sim.ts';

// The first simulated seconds in a process cost more than the rest: V8 compiles rapier's 350 kB step function
// on its first call (Liftoff, ~75 ms and a ~70 MB transient) and, unless the process keeps wasm in Liftoff
// (src/cli/wasm-tier.ts), optimises it in the background (TurboFan, ~1 s of CPU). A process whose event loop
// goes idle meanwhile even stalls on that background job (see src/cli/main.ts). Callers that have time to
// spare before a program runs (waiting for the model, starting a server) can pay that cost up front.

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
