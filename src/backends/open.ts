import type { Backend } from '../../primitives/backend.ts';
import type { Primitive } from '../../primitives/define.ts';
import type { DeclaredInterfaces } from '../../primitives/interface.ts';
import { primitivesFor } from '../../primitives/index.ts';
import { WandError, throwIfAborted } from '../core/errors.ts';
import type { BackendOptions } from './options.ts';

export interface OpenBackend {
  backend: Backend;
  primitives: Primitive<any>[];
  /** For status lines: "simulator (tabletop, seed 3)" or "ROS robot at ws://...". */
  label: string;
  /** The robot's declared interfaces (robot config "interfaces"), when there are any. */
  interfaces?: DeclaredInterfaces;
}

/** A fresh simulated world for the options (a robot backend is opened by the ROS module). */
export async function openSimulator(opts: BackendOptions): Promise<OpenBackend> {
  if (opts.profile === 'arm') {
    // The arm a config describes, simulated: try a program as the robot will take it.
    const { openSimulatedArm } = await import('../ros/arm/simulated.ts');
    return openSimulatedArm(opts);
  }
  if (opts.world === 'tabletop') {
    // Loaded on demand like the mobile world's: rapier is 4 MB of JavaScript that a robot run never needs.
    const [{ createTabletopSim }, { loadSceneFile, randomScene }] = await Promise.all([
      import('../../sim/tabletop/sim.ts'),
      import('../../sim/tabletop/scene.ts'),
    ]);
    const scene = opts.scenePath ? await loadSceneFile(opts.scenePath) : randomScene(opts.seed, { blocks: opts.blocks, bowls: opts.bowls });
    const backend = await createTabletopSim(scene);
    const label = `simulator (tabletop, ${opts.scenePath ? `scene ${opts.scenePath}` : `seed ${opts.seed}`})`;
    return { backend, primitives: primitivesFor('tabletop'), label };
  }
  if (opts.world === 'mobile') {
    // The mobile sim takes the config's envelope and named places; its declared interfaces are answered by stand-ins.
    const { loadRobotConfig } = await import('../ros/config.ts');
    const { createMobileSim } = await import('../../sim/mobile/sim.ts');
    const { simulatedInterfaces } = await import('../ros/interfaces/build.ts');
    const config = opts.configPath ? await loadRobotConfig(opts.configPath) : undefined;
    const backend = createMobileSim({ safety: config, places: config?.places });
    return { backend, ...simulatedInterfaces(primitivesFor('mobile'), config), label: `simulator (mobile room${opts.configPath ? `, config ${opts.configPath}` : ''})` };
  }
  throw new WandError('usage', `the "${opts.world}" world is not available`);
}

/**
 * The target a command runs on: the simulator, or (with --backend ros) the robot. An abort (Ctrl-C) while
 * it opens ends the attempt at once, closes what was opened and rejects with the abort's error.
 */
export async function openBackend(opts: BackendOptions, signal?: AbortSignal): Promise<OpenBackend> {
  throwIfAborted(signal);
  if (opts.backend === 'ros') {
    // Loaded on demand: the simulator path never pays for roslib and ws.
    const { openRosRobot } = await import('../ros/open.ts');
    return openRosRobot(opts, signal);
  }
  const opened = await openSimulator(opts);
  if (signal?.aborted) {
    await opened.backend.dispose();
    throwIfAborted(signal);
  }
  return opened;
}
