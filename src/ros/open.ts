import { primitivesFor } from '../../primitives/index.ts';
import type { OpenBackend } from '../backends/open.ts';
import type { BackendOptions } from '../backends/options.ts';
import { WandError } from '../core/errors.ts';
import { RosMobileBackend } from './backend.ts';
import { loadRobotConfig } from './config.ts';
import { withDeclaredInterfaces } from './interfaces/open.ts';

/** `--backend ros`: connect to the robot behind rosbridge with the config's interfaces and envelope. */
export async function openRosRobot(opts: BackendOptions): Promise<OpenBackend> {
  if (opts.world !== 'mobile') {
    throw new WandError('usage', `over ROS only the mobile profile is available (got "${opts.world}"); use --profile mobile`);
  }
  const config = await loadRobotConfig(opts.configPath);
  const backend = await RosMobileBackend.open({ url: opts.url!, config });
  const opened = { backend, primitives: primitivesFor('mobile'), label: `ROS robot at ${opts.url}` };
  return withDeclaredInterfaces(opened, { commands: backend.commands, telemetry: backend.telemetryLink }, config);
}
