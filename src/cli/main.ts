import { readFileSync } from 'node:fs';
import { abortOnSignals, type SignalStop } from './signals.ts';
import { UsageError, exitWithError } from './usage.ts';

interface Command {
  summary: string;
  load: () => Promise<{ main(argv: string[], stop?: SignalStop): Promise<number> }>;
  /** Ctrl-C stops its work (and with --json still yields a result): listen from the first moment, before it loads. */
  stoppable?: boolean;
}

// One module per command, loaded on demand so `wand run` does not pay for the model client or the server.
const COMMANDS: Record<string, Command> = {
  run: { summary: 'run a program against the simulator or a robot', load: () => import('./run.ts'), stoppable: true },
  ask: { summary: 'have a language model write, check and correct a program', load: () => import('./ask.ts'), stoppable: true },
  serve: { summary: 'open a browser session (live view, instruction box, editor, e-stop)', load: () => import('./serve.ts') },
  skills: { summary: 'list, show, remove, export or import stored skills', load: () => import('./skills.ts') },
  bench: { summary: 'measure task success on a benchmark suite', load: () => import('./bench.ts') },
  ros: { summary: 'inspect a robot behind rosbridge and suggest its config (wand ros inspect)', load: () => import('./ros.ts') },
};

function help(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  wand ${name.padEnd(7)} ${c.summary}`);
  return `Usage: wand <command> [options]\n\n${lines.join('\n')}\n\nRun "wand <command> --help" for the options of a command, "wand --version" for the version.`;
}

/** Ctrl-C / SIGTERM that came while bin/wand.js was still loading the command line, and how to stop listening. */
export interface EarlySignals {
  received: NodeJS.Signals | undefined;
  release(): void;
}

async function main(argv: string[], early?: EarlySignals): Promise<number> {
  const [command, ...rest] = argv;
  if (!command) {
    process.stderr.write(help() + '\n');
    return 2;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(help() + '\n');
    return 0;
  }
  if (command === '--version' || command === '-V' || command === 'version') {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`wand ${version} (Node.js ${process.versions.node})\n`);
    return 0;
  }
  const entry = COMMANDS[command];
  if (!entry) throw new UsageError(`unknown command "${command}"\n\n${help()}`);
  const stop = entry.stoppable ? abortOnSignals() : undefined;
  // From here Ctrl-C is the command's (or Node's default); one that came while loading counts now.
  early?.release();
  if (early?.received) {
    if (!stop) process.exit(130);
    process.emit(early.received, early.received);
  }
  let mod;
  try {
    mod = await entry.load();
  } catch (err) {
    stop?.dispose();
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(err).includes(`/cli/${command}.ts`)) {
      throw new UsageError(`"wand ${command}" is not available in this version`);
    }
    throw err;
  }
  // Node blocks its main thread on every pending V8 background task whenever the event loop is momentarily
  // empty (NodePlatform::DrainTasks), e.g. while awaiting a WebAssembly compile. Optimising rapier's 350 kB
  // step function takes such a task over a second, so without a live handle a run would stall on it.
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    return await mod.main(rest, stop);
  } finally {
    stop?.dispose();
    clearInterval(keepAlive);
  }
}

/** The command line (bin/wand.js calls it, with the signals it caught while loading this). */
export function cli(argv: string[], early?: EarlySignals): void {
  main(argv, early).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => exitWithError(err),
  );
}
