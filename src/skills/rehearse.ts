import type { Backend, StateSnapshot } from '../../primitives/backend.ts';
import type { Pose2D } from '../../primitives/schemas.ts';
import type { OpenBackend } from '../backends/open.ts';
import type { BackendOptions } from '../backends/options.ts';
import { rehearsableOf } from '../safety/guard.ts';
import type { RunResult } from '../run/result.ts';
import { runProgram } from '../run/run-program.ts';

// The last gate before a tool is stored: its program, run again in a fresh simulated copy of the world as
// it was when the instruction was given. A tool that only worked because of what an earlier, failed round
// had already moved, or by luck of timing on the robot, does not pass.

/** Runs a program (with a prelude) in a fresh simulated copy of the initial world. */
export type Rehearse = (program: string, prelude?: string, signal?: AbortSignal) => Promise<RunResult>;

/**
 * Prepares the rehearsal for one instruction; call it before the instruction runs. A simulator target is
 * rebuilt from the snapshot when needed; a robot's simulated twin is taken now, at its starting pose.
 */
export async function prepareRehearsal(target: OpenBackend, options: BackendOptions, initial: StateSnapshot): Promise<Rehearse> {
  const robot = rehearsableOf(target.backend);
  let make: () => Promise<{ backend: Backend; refused: () => number }>;
  if (robot) {
    const twin = await robot.createRehearsal();
    let used = false;
    make = async () => {
      if (used) throw new Error('the rehearsal twin was already used');
      used = true;
      return { backend: twin.backend, refused: () => twin.envelope.events.length };
    };
  } else if (target.backend.profile === 'tabletop') {
    const scene = {
      objects: initial.objects.map((o) => ({ name: o.name, kind: o.kind, color: o.color, position: { ...o.position } })),
    };
    make = async () => {
      const { createTabletopSim } = await import('../../sim/tabletop/sim.ts');
      return { backend: await createTabletopSim(scene), refused: () => 0 };
    };
  } else {
    const start = (initial.robot as { pose?: Pose2D }).pose;
    make = async () => {
      const [{ createMobileSim }, { loadRobotConfig }] = await Promise.all([import('../../sim/mobile/sim.ts'), import('../ros/config.ts')]);
      const config = options.configPath ? await loadRobotConfig(options.configPath) : undefined;
      const sim = createMobileSim({ safety: config, places: config?.places, ...(start ? { start } : {}) });
      return { backend: sim, refused: () => sim.envelope.events.length };
    };
  }
  return async (program, prelude, signal) => {
    const { backend, refused } = await make();
    try {
      const result = await runProgram({ source: program, backend, primitives: target.primitives, prelude, signal });
      // Like a robot rehearsal: what the safety envelope refused counts, even where the program caught it.
      if (result.ok && refused() > 0) {
        return { ...result, ok: false, error: { kind: 'safety', message: 'the safety envelope refused a motion during the rehearsal' } };
      }
      return result;
    } finally {
      await backend.dispose();
    }
  };
}
