import { WandError } from '../core/errors.ts';
import { UsageError, numberFlag, parseCommandLine } from './usage.ts';

const USAGE = `Usage: wand ros inspect --url ws://HOST:9090 [NAME...] [options]

Lists what the robot behind rosbridge offers (topics, services and actions with their types, through
rosapi) and prints a suggested config file for each robot profile (arm, mobile): its joint states,
trajectory and gripper actions, detections, velocity commands, odometry and laser scan. For each ROS
NAME given (/dock /battery_state /navigate_to_pose) it prints a ready "interfaces" entry, which makes
that service, topic or action a primitive programs can call.

  --url ws://HOST:9090      the rosbridge websocket
  --timeout S               how long to wait for rosbridge and each rosapi answer (default 5)
  --json                    print one JSON object: {url, rosVersion, distro, topics, services, actions, suggestions,
                            and with names: interfaces, unknown}

Exit code: 0 when rosapi answered, 1 when the robot could not be inspected or a NAME is not on it, 2 for usage errors.`;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, { url: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
  const [sub, ...names] = positionals;
  if (sub !== 'inspect') throw new UsageError(sub ? `unknown subcommand "ros ${sub}"\n\n${USAGE}` : `expected a subcommand\n\n${USAGE}`);
  const notNames = names.filter((n) => !/^\/?[A-Za-z~][\w/~]*$/.test(n));
  if (notNames.length) throw new UsageError(`"${notNames[0]}" is not a ROS name like /dock\n\n${USAGE}`);
  const url = values.url as string | undefined;
  if (!url) throw new UsageError(`wand ros inspect needs --url ws://HOST:9090 (the rosbridge websocket)\n\n${USAGE}`);
  if (!/^wss?:\/\//.test(url)) throw new UsageError(`--url must be a websocket address like ws://HOST:9090, got "${url}"`);
  const timeoutMs = (numberFlag(values.timeout as string | undefined, 'timeout', { min: 0.1 }) ?? 5) * 1000;

  const [{ RosLink }, { Rosapi }, { suggestConfigs }, { interfacesSnippet, publishedByRobot, suggestEntries }] = await Promise.all([
    import('../ros/link.ts'),
    import('../ros/rosapi.ts'),
    import('../ros/suggest.ts'),
    import('../ros/interfaces/suggest.ts'),
  ]);
  const link = new RosLink(url, 'commands', { heartbeatMs: 0 });
  try {
    await link.open(timeoutMs);
    const rosapi = new Rosapi(link, timeoutMs);
    const found = await rosapi.interfaces().catch((err: unknown) => {
      throw err instanceof WandError ? err : new WandError('connection', `rosapi did not answer: ${(err as Error).message}; is rosapi running next to rosbridge?`);
    });
    const suggestions = suggestConfigs(found);
    // A ready "interfaces" entry for each name given (a topic the robot publishes is read, one it listens to is published on).
    const named = names.length ? await suggestEntries(found, names, publishedByRobot((service, args) => rosapi.call(service, args))) : null;
    const code = named?.unknown.length ? 1 : 0;
    if (named?.unknown.length) process.stderr.write(`not on the robot (no such topic, service or action): ${named.unknown.join(', ')}\n`);
    if (values.json) {
      const { version, ...lists } = found;
      process.stdout.write(JSON.stringify({ url, rosVersion: version, ...lists, suggestions, ...(named && { interfaces: named.entries, unknown: named.unknown }) }) + '\n');
      return code;
    }
    const out: string[] = [`ROS ${found.version}${found.distro ? ` (${found.distro})` : ''} at ${url}`];
    const list = (title: string, items: { name: string; type: string }[]) => {
      out.push('', `${title} (${items.length}):`);
      const width = Math.max(0, ...items.map((i) => i.name.length));
      for (const i of items) out.push(`  ${i.name.padEnd(width)}  ${i.type || '(type unknown)'}`);
    };
    list('Topics', found.topics);
    list('Services', found.services);
    list('Actions', found.actions);
    for (const [profile, s] of Object.entries(suggestions)) {
      out.push('', `Suggested config for --profile ${profile}:`, JSON.stringify(s.config, null, 2));
      for (const m of s.missing) out.push(`  (not found: ${m})`);
    }
    if (named?.entries.length) {
      out.push('', 'Interfaces for the names given (add to the config; edit each "doc": it is what the model reads):', interfacesSnippet(named.entries));
    }
    process.stdout.write(out.join('\n') + '\n');
    return code;
  } finally {
    link.close();
  }
}
