import { WandError } from '../core/errors.ts';
import { UsageError, numberFlag, parseCommandLine } from './usage.ts';

const USAGE = `Usage: wand ros inspect --url ws://HOST:9090 [options]

Lists what the robot behind rosbridge offers (topics, services and actions with their types, through
rosapi) and prints a suggested config file for each robot profile (arm, mobile): its joint states,
trajectory and gripper actions, detections, velocity commands, odometry and laser scan.

  --url ws://HOST:9090      the rosbridge websocket
  --timeout S               how long to wait for rosbridge and each rosapi answer (default 5)
  --json                    print one JSON object: {url, rosVersion, distro, topics, services, actions, suggestions}

Exit code: 0 when rosapi answered, 1 when the robot could not be inspected, 2 for usage errors.`;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, { url: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
  const [sub, ...rest] = positionals;
  if (sub !== 'inspect') throw new UsageError(sub ? `unknown subcommand "ros ${sub}"\n\n${USAGE}` : `expected a subcommand\n\n${USAGE}`);
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"\n\n${USAGE}`);
  const url = values.url as string | undefined;
  if (!url) throw new UsageError(`wand ros inspect needs --url ws://HOST:9090 (the rosbridge websocket)\n\n${USAGE}`);
  if (!/^wss?:\/\//.test(url)) throw new UsageError(`--url must be a websocket address like ws://HOST:9090, got "${url}"`);
  const timeoutMs = (numberFlag(values.timeout as string | undefined, 'timeout', { min: 0.1 }) ?? 5) * 1000;

  const [{ RosLink }, { Rosapi }, { suggestConfigs }] = await Promise.all([import('../ros/link.ts'), import('../ros/rosapi.ts'), import('../ros/suggest.ts')]);
  const link = new RosLink(url, 'commands', { heartbeatMs: 0 });
  try {
    await link.open(timeoutMs);
    const found = await new Rosapi(link, timeoutMs).interfaces().catch((err: unknown) => {
      throw err instanceof WandError ? err : new WandError('connection', `rosapi did not answer: ${(err as Error).message}; is rosapi running next to rosbridge?`);
    });
    const suggestions = suggestConfigs(found);
    if (values.json) {
      const { version, ...lists } = found;
      process.stdout.write(JSON.stringify({ url, rosVersion: version, ...lists, suggestions }) + '\n');
      return 0;
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
    process.stdout.write(out.join('\n') + '\n');
    return 0;
  } finally {
    link.close();
  }
}
