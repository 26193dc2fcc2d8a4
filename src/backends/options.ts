import { UsageError, numberFlag } from '../cli/usage.ts';

/** Where a program runs: which world, which scene, simulator or robot. Shared by run, ask, serve and bench. */
export interface BackendOptions {
  world: 'tabletop' | 'mobile';
  scenePath?: string;
  seed: number;
  blocks?: number;
  bowls?: number;
  backend: 'sim' | 'ros';
  /** --profile arm: a robot arm (ROS, or simulated from its config) behind the tabletop API. */
  profile?: 'mobile' | 'arm';
  url?: string;
  configPath?: string;
  rehearse: boolean;
}

export const BACKEND_FLAGS = {
  world: { type: 'string' },
  scene: { type: 'string' },
  seed: { type: 'string' },
  blocks: { type: 'string' },
  bowls: { type: 'string' },
  backend: { type: 'string' },
  url: { type: 'string' },
  profile: { type: 'string' },
  config: { type: 'string' },
  'no-rehearse': { type: 'boolean' },
} as const;

export const BACKEND_USAGE = `  --world tabletop|mobile   which world (default tabletop)
  --scene FILE              scene file (tabletop)
  --seed N                  random scene from seed N (default 0), with --blocks K --bowls M
  --backend sim|ros         simulator (default) or a ROS robot over rosbridge
  --url ws://HOST:9090      rosbridge address (with --backend ros)
  --profile mobile|arm      the robot's primitive profile: a mobile base, or an arm behind the tabletop
                            API (the config file's "profile" picks one too)
  --config FILE             robot interfaces, limits and geofence (JSON)
  --no-rehearse             skip the simulator rehearsal before a robot run`;

export function backendOptionsFrom(values: Record<string, string | boolean | undefined>): BackendOptions {
  const str = (k: string) => values[k] as string | undefined;
  const backend = str('backend') ?? 'sim';
  if (backend !== 'sim' && backend !== 'ros') throw new UsageError(`--backend must be "sim" or "ros", got "${backend}"`);
  const profile = str('profile');
  if (profile !== undefined && profile !== 'mobile' && profile !== 'tabletop' && profile !== 'arm') {
    throw new UsageError(`--profile must be "mobile" or "arm", got "${profile}"`);
  }
  const world = str('world') ?? (profile === 'arm' ? 'tabletop' : profile) ?? (backend === 'ros' ? 'mobile' : 'tabletop');
  if (profile === 'arm' && world !== 'tabletop') throw new UsageError('--profile arm uses the tabletop world, not --world mobile');
  if (world !== 'tabletop' && world !== 'mobile') throw new UsageError(`--world must be "tabletop" or "mobile", got "${world}"`);
  if (backend === 'ros' && !str('url')) throw new UsageError('--backend ros needs --url ws://HOST:9090 (the rosbridge websocket)');
  if (str('url') && backend !== 'ros') throw new UsageError('--url is only used with --backend ros');
  if (str('scene') && str('seed') !== undefined) throw new UsageError('use either --scene FILE or --seed N, not both');
  const sceneFlags = ['scene', 'blocks', 'bowls'].filter((k) => str(k) !== undefined);
  if (world === 'mobile' && sceneFlags.length) {
    throw new UsageError(`${sceneFlags.map((k) => `--${k}`).join(', ')}: scene options are for the tabletop world; the mobile world is a fixed room`);
  }
  if (str('scene') && sceneFlags.length > 1) throw new UsageError('--blocks and --bowls shape a random scene (--seed N), not a scene file');
  return {
    world,
    scenePath: str('scene'),
    seed: numberFlag(str('seed'), 'seed', { integer: true, min: 0 }) ?? 0,
    blocks: numberFlag(str('blocks'), 'blocks', { integer: true, min: 0 }),
    bowls: numberFlag(str('bowls'), 'bowls', { integer: true, min: 0 }),
    backend,
    ...(profile === 'arm' || profile === 'mobile' ? { profile } : {}),
    url: str('url'),
    configPath: str('config'),
    rehearse: !values['no-rehearse'],
  };
}
