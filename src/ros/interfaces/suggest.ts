import type { NamedType, RobotInterfaces } from '../rosapi.ts';
import { BUILTIN_PRIMITIVES, INTERFACE_DEFAULTS } from './config.ts';
import { knownMotion } from './motion.ts';
import { reservedNameReason } from '../../../primitives/reserved.ts';

// `wand ros inspect --url … /dock /battery_state`: a ready `interfaces` entry for each ROS name the person
// gives, from what rosapi lists. An action wins over its own topics and services; a topic the robot
// publishes becomes a `read`, one it only listens to a `topic` to publish on.

export type SuggestedEntry = Record<string, string | number | boolean>;

/** `/navigate_to_pose` → `navigateToPose`, `/light/color` → `lightColor`; a name that is taken gets its kind added. */
export function primitiveNameFor(rosName: string, kind: string, taken: Set<string>): string {
  const words = rosName.split(/[/_~\W]+/).filter(Boolean);
  let name = words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  if (!/^[A-Za-z_$]/.test(name)) name = `${kind}${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  const base = name;
  for (let n = 2; reservedNameReason(name, BUILTIN_PRIMITIVES) || taken.has(name); n++) {
    name = n === 2 ? `${base}${kind.charAt(0).toUpperCase()}${kind.slice(1)}` : `${base}${n}`;
  }
  taken.add(name);
  return name;
}

function find(list: NamedType[], name: string): NamedType | undefined {
  const want = name.replace(/\/$/, '');
  return list.find((x) => x.name === want || x.name === `/${want}`);
}

/**
 * One entry per name, or the names rosapi does not know. `robotPublishes(topic)` tells a topic the robot
 * publishes (a reading) from one it only subscribes to (a command).
 */
export async function suggestEntries(
  found: RobotInterfaces,
  names: string[],
  robotPublishes: (topic: string) => Promise<boolean>,
): Promise<{ entries: SuggestedEntry[]; unknown: string[] }> {
  const entries: SuggestedEntry[] = [];
  const unknown: string[] = [];
  const taken = new Set<string>();
  for (const name of names) {
    const action = find(found.actions, name);
    const service = find(found.services, name);
    const topic = find(found.topics, name);
    if (action) {
      const motion = knownMotion('action', action.type, action.name);
      entries.push({
        primitive: primitiveNameFor(action.name, 'action', taken),
        action: action.name,
        ...(action.type && { type: action.type }),
        doc: `Send a goal to ${action.name} and wait for its result.`,
        timeoutS: INTERFACE_DEFAULTS.actionTimeoutS,
        ...(motion && { motion: true }),
      });
    } else if (service) {
      entries.push({
        primitive: primitiveNameFor(service.name, 'service', taken),
        service: service.name,
        ...(service.type && { type: service.type }),
        doc: `Call ${service.name}.`,
        timeoutS: INTERFACE_DEFAULTS.serviceTimeoutS,
      });
    } else if (topic) {
      if (await robotPublishes(topic.name)) {
        entries.push({
          primitive: primitiveNameFor(topic.name, 'read', taken),
          read: topic.name,
          ...(topic.type && { type: topic.type }),
          doc: `The latest message on ${topic.name}.`,
          maxAgeS: INTERFACE_DEFAULTS.maxAgeS,
        });
      } else {
        const motion = knownMotion('topic', topic.type, topic.name);
        entries.push({
          primitive: primitiveNameFor(topic.name, 'topic', taken),
          topic: topic.name,
          ...(topic.type && { type: topic.type }),
          doc: `Publish on ${topic.name}.`,
          maxRateHz: INTERFACE_DEFAULTS.maxRateHz,
          ...(motion && { motion: true }),
        });
      }
    } else {
      unknown.push(name);
    }
  }
  return { entries, unknown };
}

/** The entries as the config's `"interfaces": [...]`, one entry a line, ready to paste. */
export function interfacesSnippet(entries: SuggestedEntry[]): string {
  const line = (e: SuggestedEntry) => `  { ${Object.entries(e).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')} }`;
  return `"interfaces": [\n${entries.map(line).join(',\n')}\n]`;
}

/** Whether a node other than rosbridge publishes the topic (rosapi's publishers); a reading when unsure. */
export function publishedByRobot(call: (service: string, args: object) => Promise<unknown>): (topic: string) => Promise<boolean> {
  return async (topic) => {
    try {
      const res = (await call('publishers', { topic })) as { publishers?: unknown };
      const nodes = Array.isArray(res?.publishers) ? res.publishers.filter((n): n is string => typeof n === 'string') : [];
      return nodes.some((n) => !/rosbridge/.test(n));
    } catch {
      return true;
    }
  };
}
