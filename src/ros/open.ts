import { primitivesFor } from '../../primitives/index.ts';
import type { OpenBackend } from '../backends/open.ts';
import type { BackendOptions } from '../backends/options.ts';
import { WandError } from '../core/errors.ts';
import { RosMobileBackend } from './backend.ts';
import { parseRobotConfig, readConfigJson } from './config.ts';
import { withDeclaredInterfaces } from './interfaces/open.ts';

/**
 * `--backend ros`: connect to the robot behind rosbridge with the config's interfaces and envelope: a
 * mobile base (--profile mobile, the default) or an arm behind the tabletop API (--profile arm).
 */
export async function openRosRobot(opts: BackendOptions, signal?: AbortSignal): Promise<OpenBackend> {
  const data = opts.configPath ? await readConfigJson(opts.configPath) : {};
  const profile = opts.profile ?? (opts.world === 'tabletop' ? 'arm' : 'mobile');
  const named = (data as { profile?: unknown } | null)?.profile;
  if (typeof named === 'string' && named !== profile) {
    throw new WandError('usage', `the config ${opts.configPath} is for the "${named}" profile; run with --profile ${named}`);
  }
  if (profile === 'arm') {
    const [{ RosArmBackend }, { loadArmConfig }] = await Promise.all([import('./arm/backend.ts'), import('./arm/config.ts')]);
    const config = await loadArmConfig(opts.configPath);
    const backend = await RosArmBackend.open({ url: opts.url!, config, signal });
    const opened = { backend, primitives: primitivesFor('tabletop'), label: `ROS arm at ${opts.url}` };
    return withDeclaredInterfaces(opened, { commands: backend.commands, telemetry: backend.telemetryLink }, config);
  }
  const config = parseRobotConfig(data, opts.configPath ? `config ${opts.configPath}` : 'config');
  const backend = await RosMobileBackend.open({ url: opts.url!, config, signal });
  const opened = { backend, primitives: primitivesFor('mobile'), label: `ROS robot at ${opts.url}` };
  return withDeclaredInterfaces(opened, { commands: backend.commands, telemetry: backend.telemetryLink }, config);
}
