import { primitivesFor } from '../../primitives/index.ts';
import type { OpenBackend } from '../backends/open.ts';
import type { BackendOptions } from '../backends/options.ts';
import { WandError } from '../core/errors.ts';
import { RosMobileBackend } from './backend.ts';
import { loadRobotConfig } from './config.ts';

/** `--backend ros`: connect to the robot behind rosbridge with the config's interfaces and envelope. */
export async function openRosRobot(opts: BackendOptions, signal?: AbortSignal): Promise<OpenBackend> {
  if (opts.world !== 'mobile') {
    throw new WandError('usage', `over ROS only the mobile profile is available (got "${opts.world}"); use --profile mobile`);
  }
  const config = await loadRobotConfig(opts.configPath);
  const backend = await RosMobileBackend.open({ url: opts.url!, config, signal });
  return { backend, primitives: primitivesFor('mobile'), label: `ROS robot at ${opts.url}` };
}
