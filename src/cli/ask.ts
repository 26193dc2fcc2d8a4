import { generateDts } from '../../primitives/dts.ts';
import { BACKEND_FLAGS, BACKEND_USAGE, backendOptionsFrom } from '../backends/options.ts';
import { ProgramChecker } from '../check/index.ts';
import { checkerThread } from '../check/thread.ts';
import type { OpenBackend } from '../backends/open.ts';
import type { ChatModel } from '../model/chat.ts';
import { OpenAIChatModel } from '../model/client.ts';
import { MODEL_ENV_USAGE, modelConfigFromEnv, verifierConfigFromEnv } from '../model/config.ts';
import { ask, type AskEvent, type AskOutcome, type AskTarget } from '../model/loop.ts';
import { ManualModel } from '../model/manual.ts';
import { LineReader } from '../core/line-reader.ts';
import { APPROVE_FLAG, APPROVE_USAGE, approverFor } from './approval.ts';
import { outcomeText, progressLine } from '../model/progress.ts';
import type { PromptWorld } from '../model/prompt.ts';
import { AskSession } from '../model/session.ts';
import { Transcript, recordEvent } from '../model/transcript.ts';
import { EMBEDDINGS_ENV_USAGE, SKILLS_FLAGS, SKILLS_USAGE, skillsChoiceFrom } from '../skills/options.ts';
import type { SkillsJson } from '../skills/session.ts';
import { abortOnSignals, type SignalStop } from './signals.ts';
import { preferBaselineWasm } from './wasm-tier.ts';
import { UsageError, numberFlag, parseCommandLine } from './usage.ts';

const USAGE = `Usage: wand ask "INSTRUCTION" ["FOLLOW-UP" ...] [options]

A language model writes a program for the instruction; it is checked before anything moves, run, and
what happened goes back to the model until the task is verified done or the round budget is spent.
Several instructions run one after another in the same world and session ("now undo that").

${BACKEND_USAGE}
${APPROVE_USAGE}
  --rounds N                round budget per instruction (default 3)
  --model M                 model name (default: WAND_MODEL)
  --llm openai|manual       where replies come from (default openai); manual prints the prompt on
                            standard error and reads the reply from standard input, ended by a "." line
  --no-verify               count a run without errors as done (skip the model's verdict)
  --samples K               ask for K candidate programs per round, try each on its own simulated copy
                            of the world in parallel worker threads, and run only one that succeeded
                            there (fewest calls); when none did, all K failures go back to the model
                            (default 1; tabletop world)
  --stream                  stream the model's replies
  --json                    print one JSON object per instruction instead of the progress report
${SKILLS_USAGE}

${MODEL_ENV_USAGE}
${EMBEDDINGS_ENV_USAGE}

Exit code: 0 when done, 1 when not done or failed, 2 for usage errors (also standard input ending before a
reply with --llm manual), 130 when stopped by Ctrl-C.
Every session is saved as JSON Lines under .wand/sessions/.`;

export async function main(argv: string[], stop: SignalStop = abortOnSignals()): Promise<number> {
  preferBaselineWasm();
  const { values, positionals } = parseCommandLine(
    argv,
    {
      ...BACKEND_FLAGS,
      ...APPROVE_FLAG,
      rounds: { type: 'string' },
      model: { type: 'string' },
      llm: { type: 'string' },
      'no-verify': { type: 'boolean' },
      samples: { type: 'string' },
      stream: { type: 'boolean' },
      json: { type: 'boolean' },
      ...SKILLS_FLAGS,
    },
    USAGE,
  );
  const instructions = positionals.map((p) => p.trim()).filter(Boolean);
  if (!instructions.length) throw new UsageError(`expected an instruction, e.g. wand ask "put the red block in the blue bowl"\n\n${USAGE}`);
  const rounds = numberFlag(values.rounds as string | undefined, 'rounds', { integer: true, min: 1 }) ?? 3;
  const llm = (values.llm as string | undefined) ?? 'openai';
  if (llm !== 'openai' && llm !== 'manual') throw new UsageError(`--llm must be "openai" or "manual", got "${llm}"`);
  const options = backendOptionsFrom(values);
  const samples = numberFlag(values.samples as string | undefined, 'samples', { integer: true, min: 1 }) ?? 1;
  if (samples > 1 && options.world !== 'tabletop') throw new UsageError('--samples needs the tabletop world: candidates are tried on simulated copies of it');
  const json = Boolean(values.json);
  const skillsChoice = skillsChoiceFrom(values);
  // One reader of standard input for the manual model's replies and the approval answers alike.
  const stdin = new LineReader(process.stdin);
  const approve = approverFor(Boolean(values.approve), options, stdin);

  // The endpoint is checked before the simulator loads, so a missing key fails at once.
  const config = llm === 'manual' ? null : modelConfigFromEnv(process.env, { model: values.model as string | undefined, stream: Boolean(values.stream) });
  const model: ChatModel = config ? new OpenAIChatModel(config) : new ManualModel(stdin, process.stderr);
  const verifierConfig = config && verifierConfigFromEnv(process.env, config);
  const verifier = verifierConfig ? new OpenAIChatModel(verifierConfig) : undefined;

  // The checker thread starts loading TypeScript now, beside the simulator, so the first reply is checked warm.
  checkerThread().prestart();
  // Loaded on demand: the simulator (rapier) and the sandbox are only paid for once the model is configured.
  const [{ openBackend }, { executeProgram }] = await Promise.all([import('../backends/open.ts'), import('../run/execute.ts')]);
  const opened = await openBackend(options, stop.signal);
  // Candidate workers start warming now, while the first request is out.
  const pool = samples > 1 ? await import('../select/pool.ts').then((m) => new m.SimPool({ size: Math.min(samples, m.defaultPoolSize()) })) : undefined;
  void pool?.warm().catch(() => {});
  const checker = new ProgramChecker(generateDts(opened.primitives));
  checker.warmSoon();
  const target: AskTarget = {
    state: () => opened.backend.state(),
    execute: (source, o) =>
      executeProgram({ source, target: opened, signal: o.signal, onEvent: o.onEvent, prelude: o.prelude, rehearse: options.rehearse, approve }),
  };
  const transcript = new Transcript();
  transcript.write({ type: 'session', model: model.label, ...(verifier ? { verifier: verifier.label } : {}), target: opened.label, world: options.world, rounds, verify: !values['no-verify'], samples });
  const session = new AskSession();
  const skills = skillsChoice ? (await import('../skills/session.ts')).openSkillSession(skillsChoice, opened, options, { env: process.env, transcript }) : null;
  const write = (text: string) => process.stdout.write(text + '\n');
  /** Progress lines about the instruction's skills, shown right under it. */
  let skillLines: string[] = [];

  const onEvent = (e: AskEvent) => {
    recordEvent(transcript, e);
    if (json) return;
    const line = progressLine(e);
    if (line !== undefined) write(line);
    if (e.type === 'start') skillLines.splice(0).forEach((l) => write(l));
  };

  if (!json) write(`Model: ${model.label}${verifier ? `\nVerifier: ${verifier.label}` : ''}\nTarget: ${opened.label}`);
  let code = 0;
  try {
    for (const instruction of instructions) {
      const deps = { model, ...(verifier ? { verifier } : {}), checker, target, world: promptWorld(opened, options.world), session, ...(pool ? { simulator: pool } : {}) };
      const offered = await skills?.before(instruction, deps, stop.signal);
      skillLines = offered?.lines ?? [];
      const outcome = await ask(instruction, offered?.deps ?? deps, {
        rounds,
        samples,
        verify: !values['no-verify'],
        signal: stop.signal,
        onEvent,
      });
      const learned = await skills?.after(instruction, outcome, stop.signal);
      if (!json) learned?.lines.forEach((l) => write(l));
      write(json ? JSON.stringify(jsonOutcome(outcome, transcript.displayPath, learned?.json)) : outcomeText(outcome, transcript.displayPath));
      // What stopped the loop (a model that did not answer in time, an endpoint that refused) is also an
      // error message, on standard error, where scripts and people look for one, with --json too.
      if (outcome.stopped === 'error' && outcome.error) process.stderr.write(`wand ask: ${outcome.error.message}\n`);
      if (!outcome.ok) {
        code = outcome.stopped === 'aborted' ? 130 : outcome.error?.kind === 'usage' ? 2 : 1;
        // A robot should not go on to a follow-up whose premise failed.
        break;
      }
    }
  } finally {
    stop.dispose();
    stdin.close();
    await pool?.close();
    await opened.backend.dispose();
  }
  return code;
}

function promptWorld(opened: OpenBackend, profile: string): PromptWorld {
  return { profile, primitives: opened.primitives, world: opened.backend.world() };
}

/** The `wand ask --json` contract. */
function jsonOutcome(o: AskOutcome, transcript: string, skills?: SkillsJson) {
  const { promptTokens, completionTokens, requests } = o.usage;
  return {
    ok: o.ok,
    instruction: o.instruction,
    rounds: o.rounds,
    final: o.final,
    usage: { promptTokens, completionTokens, requests },
    transcript,
    stopped: o.stopped,
    ...(o.error ? { error: o.error } : {}),
    summary: o.summary,
    ...(skills ? { skills } : {}),
  };
}
