import { networkInterfaces } from 'node:os';
import { BACKEND_FLAGS, BACKEND_USAGE, backendOptionsFrom } from '../backends/options.ts';
import { MODEL_ENV_USAGE } from '../model/config.ts';
import { isLoopbackHost } from '../serve/auth.ts';
import { startServer } from '../serve/server.ts';
import { APPROVE_FLAG } from './approval.ts';
import { EMBEDDINGS_ENV_USAGE, SKILLS_FLAGS, SKILLS_USAGE, skillsChoiceFrom } from '../skills/options.ts';
import { UsageError, numberFlag, parseCommandLine } from './usage.ts';

const USAGE = `Usage: wand serve [options]

Opens a browser session: a live view of the world, an instruction box for the model, a program editor,
and an e-stop. Each browser tab is its own session with its own world.

  --port N                  port (default 8080; 0 picks a free one)
  --host ADDR               address to bind (default 127.0.0.1). Any other address requires a token,
                            because whoever reaches the page can move the robot
  --token T                 the token to require (default: a random one when off loopback)
  --rounds N                model rounds per instruction (default 3)
  --speed X|max             simulation speed while watching (default 1 = real time; max = as fast as possible)
${SKILLS_USAGE}
${BACKEND_USAGE}
  --approve                 with --backend ros: each program (from the editor or the model) waits, after its
                            rehearsal, until you press "Run on the robot" on the page; anything else leaves it still

${MODEL_ENV_USAGE}
${EMBEDDINGS_ENV_USAGE}

Without a model endpoint the editor and the e-stop still work.`;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    { ...BACKEND_FLAGS, ...SKILLS_FLAGS, ...APPROVE_FLAG, port: { type: 'string' }, host: { type: 'string' }, token: { type: 'string' }, rounds: { type: 'string' }, speed: { type: 'string' } },
    USAGE,
    false,
  );
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"\n\n${USAGE}`);
  const port = numberFlag(values.port as string | undefined, 'port', { integer: true, min: 0 }) ?? 8080;
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  const token = values.token as string | undefined;
  if (token !== undefined && token.length < 8) throw new UsageError('--token must be at least 8 characters');
  const rounds = numberFlag(values.rounds as string | undefined, 'rounds', { integer: true, min: 1 });
  const speedFlag = values.speed as string | undefined;
  const speed = speedFlag === 'max' ? null : (numberFlag(speedFlag, 'speed', { min: 0.1 }) ?? 1);
  const backend = backendOptionsFrom(values);
  const skills = skillsChoiceFrom(values);
  const approve = Boolean(values.approve);
  if (approve && backend.backend !== 'ros') throw new UsageError('--approve is for --backend ros: the page asks you before the robot moves');

  // A promise one tab's work forgot to handle must not end every tab's session (and the e-stop with it).
  process.on('unhandledRejection', (err) => process.stderr.write(`wand serve: unhandled: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`));
  const server = await startServer({ port, host, token, backend, rounds, speed, skills, approve });
  const out = (line: string) => process.stdout.write(line + '\n');
  out(`Wand session: ${server.url}`);
  if (!isLoopbackHost(host)) {
    out(`Bound to ${host}: every request needs the token${token ? '' : ' (generated for this run)'}: ${server.token}`);
    for (const addr of externalAddresses(host)) out(`  also reachable at http://${addr}:${server.port}/?token=${server.token}`);
  }
  out(`Backend: ${backend.backend === 'ros' ? `ROS robot at ${backend.url}${approve ? ', every program waits for approval on the page' : ''}` : `simulator (${backend.world})`}. Ctrl-C stops the server and every program.`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // Under `npm start` (which execs node, so npm's Ctrl-C and SIGTERM reach this process), the server also
    // goes when npm itself is killed outright: nothing else would ever stop it or free the port.
    if (process.env.npm_lifecycle_event === 'start') {
      const parent = process.ppid;
      setInterval(() => process.ppid !== parent && stop(), 1000).unref();
    }
  });
  await server.close();
  return 0;
}

function externalAddresses(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [];
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
}
