import { WandError } from '../core/errors.ts';
import type { RosLink } from './link.ts';
import { ServiceCallError, callService } from './service.ts';

// What rosapi (started with rosbridge on ROS 1 and ROS 2) tells about the robot: its ROS version, its
// parameters, and its topics, services and actions with their types. Every call has a client-side timeout.

export type RosVersion = 1 | 2;

export interface NamedType {
  name: string;
  /** '' when rosapi could not say. */
  type: string;
}

export interface RobotInterfaces {
  version: RosVersion;
  distro: string;
  topics: NamedType[];
  services: NamedType[];
  actions: NamedType[];
}

const DEFAULT_TIMEOUT_MS = 2000;

export class Rosapi {
  constructor(
    private readonly link: RosLink,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  /** One rosapi service by its short name (`topic_type`); rejects with a ServiceCallError. */
  call<T>(service: string, args: object = {}): Promise<T> {
    return callService<T>(this.link, `/rosapi/${service}`, args, this.timeoutMs);
  }

  /**
   * ROS 2's rosapi answers /rosapi/get_ros_version; on ROS 1 the service does not exist and the call fails
   * (rosbridge answers result: false). An old ROS 2 rosapi lacks it too, but its topic types give it away
   * (pkg/msg/Type). No answer at all means rosapi is not running: no way to tell.
   */
  async version(): Promise<{ version: RosVersion; distro: string }> {
    try {
      const r = await this.call<{ version?: number; distro?: string }>('get_ros_version');
      return { version: r.version === 1 ? 1 : 2, distro: String(r.distro ?? '') };
    } catch (err) {
      if (err instanceof ServiceCallError && err.reason === 'failed') {
        const topics = await this.topics().catch(() => []);
        return { version: topics.some((t) => t.type.includes('/msg/')) ? 2 : 1, distro: '' };
      }
      throw new WandError(
        'connection',
        `cannot tell whether the robot runs ROS 1 or ROS 2 (${(err as Error).message}); is rosapi running? Or set "rosVersion" in the config`,
      );
    }
  }

  /**
   * A parameter's value, or undefined when it is not set. rosapi returns values JSON-encoded (a string
   * parameter such as a URDF arrives as a JSON string literal), so the value is parsed once more here.
   * ROS 2 parameters belong to a node: the name is "node:param" (e.g. "/robot_state_publisher:robot_description").
   */
  async param(name: string): Promise<unknown> {
    const r = await this.call<{ value?: unknown }>('get_param', { name });
    if (typeof r.value !== 'string' || r.value === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(r.value);
    } catch {
      return r.value;
    }
    return value === '' || value === null ? undefined : value;
  }

  async topics(): Promise<NamedType[]> {
    const r = await this.call<{ topics?: string[]; types?: string[] }>('topics');
    const types = r.types ?? [];
    return uniqueSorted((r.topics ?? []).map((name, i) => ({ name, type: types[i] ?? '' })));
  }

  async services(): Promise<NamedType[]> {
    const r = await this.call<{ services?: string[] }>('services');
    const names = [...new Set(r.services ?? [])];
    const types = await mapLimited(names, (service) => this.call<{ type?: string }>('service_type', { service }).then((t) => t.type ?? '', () => ''));
    return uniqueSorted(names.map((name, i) => ({ name, type: types[i]! })));
  }

  /**
   * Action servers with their action types ("control_msgs/FollowJointTrajectory" style on ROS 1,
   * "control_msgs/action/FollowJointTrajectory" on ROS 2). rosapi may list a server twice.
   * ROS 1 has no action_type service: the type comes from the server's goal topic.
   */
  async actions(version: RosVersion, topics?: NamedType[]): Promise<NamedType[]> {
    const r = await this.call<{ action_servers?: string[] }>('action_servers');
    const names = [...new Set((r.action_servers ?? []).map((n) => (n.startsWith('/') ? n : `/${n}`)))];
    if (version === 1) {
      const known = topics ?? (await this.topics());
      const goalType = (name: string) => known.find((t) => t.name === `${name}/goal`)?.type ?? '';
      return uniqueSorted(names.map((name) => ({ name, type: goalType(name).replace(/ActionGoal$/, '') })));
    }
    const types = await mapLimited(names, (action) => this.call<{ type?: string }>('action_type', { action }).then((t) => t.type ?? '', () => ''));
    return uniqueSorted(names.map((name, i) => ({ name, type: types[i]! })));
  }

  /** Everything `wand ros inspect` lists. */
  async interfaces(): Promise<RobotInterfaces> {
    const { version, distro } = await this.version();
    const topics = await this.topics();
    const [services, actions] = await Promise.all([this.services(), this.actions(version, topics)]);
    return { version, distro, topics, services, actions };
  }
}

function uniqueSorted(items: NamedType[]): NamedType[] {
  const byName = new Map<string, NamedType>();
  for (const item of items) if (!byName.has(item.name) || !byName.get(item.name)!.type) byName.set(item.name, item);
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Type look-ups a few at a time: a robot may have hundreds of services, and rosapi answers one by one. */
async function mapLimited<T, R>(items: readonly T[], fn: (item: T) => Promise<R>, limit = 8): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
