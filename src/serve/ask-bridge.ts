import { generateDts, primitivesFor, type Primitive, type ProfileName } from '../../primitives/index.ts';
import type { OpenBackend } from '../backends/open.ts';
import type { BackendOptions } from '../backends/options.ts';
import { ProgramChecker } from '../check/index.ts';
import type { ErrorInfo } from '../core/errors.ts';
import type { ChatModel } from '../model/chat.ts';
import { OpenAIChatModel } from '../model/client.ts';
import { modelConfigFromEnv, verifierConfigFromEnv } from '../model/config.ts';
import { ask, type AskDeps, type AskEvent, type AskTarget } from '../model/loop.ts';
import { AskSession } from '../model/session.ts';
import { Transcript, recordEvent } from '../model/transcript.ts';
import { executeProgram, type Approve } from '../run/execute.ts';
import type { RunEvent } from '../run/result.ts';
import type { SkillsChoice } from '../skills/options.ts';
import { openSkillSession, type SkillSession } from '../skills/session.ts';
import { runSummary, type ServerMessage } from './protocol.ts';

// The instruction box drives the same loop as `wand ask` (src/model/loop.ts), with the same skills library;
// this file turns that loop's events into protocol messages for one job. A conversation lives as long as
// its tab's world, so follow-up instructions ("now the blue one", "undo that") see the earlier ones.

type JobScoped = Extract<ServerMessage, { job: number }>;
/** A protocol message without its job number (the session adds it). */
export type JobMessage = JobScoped extends infer M ? (M extends { job: number } ? Omit<M, 'job'> : never) : never;

export interface AskOutcome {
  ok: boolean;
  error: ErrorInfo | null;
  message?: string;
}

export interface AskConversation {
  /** `approve` is the job's approval gate (wand serve --approve): each round's robot program waits for it. */
  ask(instruction: string, signal: AbortSignal, emit: (msg: JobMessage) => void, approve?: Approve): Promise<AskOutcome>;
}

/**
 * Checkers keep a TypeScript language service warm; one per API (a profile, plus a robot's declared
 * interfaces) serves every tab.
 */
const checkers = new Map<string, ProgramChecker>();

function checkerFor(primitives: Primitive<any>[]): ProgramChecker {
  const dts = generateDts(primitives);
  let checker = checkers.get(dts);
  if (!checker) {
    checker = new ProgramChecker(dts);
    checkers.set(dts, checker);
  }
  return checker;
}

/**
 * Loading TypeScript and warming its language service takes a second or more (in the checker thread);
 * the server starts it right after start-up (when a model is configured), before the first instruction.
 */
export function warmChecker(profile: ProfileName): void {
  checkerFor(primitivesFor(profile)).warmSoon();
}

export interface ConversationOptions {
  env?: NodeJS.ProcessEnv;
  /** Substitute model (tests); by default the OpenAI-compatible endpoint from the environment. */
  model?: ChatModel;
  rounds?: number;
  /** Keep a JSONL transcript under .wand/sessions/, like `wand ask` (default true). */
  transcript?: boolean;
  /** Rehearse robot programs in the simulator first (default true; `wand serve --no-rehearse`). */
  rehearse?: boolean;
  /** Offer stored skills and keep new verified tools, like `wand ask` (absent: no skills). */
  skills?: ConversationSkills;
}

export interface ConversationSkills {
  /** The library as `--skills DIR` chose it (no directory: the default). */
  choice: NonNullable<SkillsChoice>;
  /** The tab's world as opened, with its options: the promotion gate takes its rehearsal copy from it. */
  opened: { target: OpenBackend; options: BackendOptions };
}

/** One conversation per tab, on that tab's world. Throws a usage error when no model is configured. */
export function openConversation(target: OpenBackend, opts: ConversationOptions = {}): AskConversation {
  const env = opts.env ?? process.env;
  const config = opts.model ? null : modelConfigFromEnv(env, { stream: true });
  const model = opts.model ?? new OpenAIChatModel(config!);
  const verifierConfig = config && verifierConfigFromEnv(env, config);
  const verifier = verifierConfig ? new OpenAIChatModel(verifierConfig) : undefined;
  const session = new AskSession();
  let transcript: Transcript | undefined;
  let skills: SkillSession | undefined;
  const deps = (rehearsalEvent: (event: RunEvent) => void, approve?: Approve): AskDeps => ({
    model,
    ...(verifier ? { verifier } : {}),
    checker: checkerFor(target.primitives),
    session,
    world: { profile: target.backend.profile, primitives: target.primitives, world: target.backend.world() },
    target: programTarget(target, rehearsalEvent, opts.rehearse, approve),
  });

  return {
    async ask(instruction, signal, emit, approve) {
      if (opts.transcript !== false) transcript ??= new Transcript();
      if (opts.skills) skills ??= openSkillSession(opts.skills.choice, opts.skills.opened.target, opts.skills.opened.options, { env, transcript });
      // The loop does not see a robot program's rehearsal; its calls go to the page under the current round.
      let round: number | undefined;
      const base = deps((event) => emit({ type: 'run', round, event, rehearsal: true }), approve);
      const offered = await skills?.before(instruction, base, signal);
      if (offered) emit({ type: 'skills', lines: offered.offer.skills.length ? offered.lines : [...offered.lines, 'Skills offered: none'] });
      const outcome = await ask(instruction, offered?.deps ?? base, {
        rounds: opts.rounds,
        signal,
        onEvent: (e) => {
          if (transcript) recordEvent(transcript, e);
          if (e.type === 'round') round = e.round;
          const msg = toMessage(e);
          if (msg) emit(msg);
        },
      });
      const learned = await skills?.after(instruction, outcome, signal);
      if (learned) emit({ type: 'skills', lines: learned.lines.length ? learned.lines : ['Skills used or stored: none'] });
      const said =
        outcome.stopped === 'done'
          ? `done in ${outcome.rounds.length} round${outcome.rounds.length === 1 ? '' : 's'}`
          : outcome.stopped === 'budget'
            ? `not done after ${outcome.rounds.length} rounds: ${outcome.summary.at(-1) ?? ''}`
            : outcome.stopped === 'aborted'
              ? 'stopped'
              : `failed: ${outcome.error?.message ?? ''}`;
      const usage = `${outcome.usage.requests} requests, ${outcome.usage.promptTokens} + ${outcome.usage.completionTokens} tokens`;
      return { ok: outcome.ok, error: outcome.error ?? null, message: `${said} (${usage})` };
    },
  };
}

/**
 * Where the loop's programs run: the tab's world, stored skills loaded first, a robot's rehearsal reported,
 * and with an approval gate the person's yes between the rehearsal and the robot.
 */
function programTarget(target: OpenBackend, rehearsalEvent: (event: RunEvent) => void, rehearse?: boolean, approve?: Approve): AskTarget {
  return {
    state: () => target.backend.state(),
    execute: (source, o) =>
      executeProgram({ source, target, signal: o.signal, onEvent: o.onEvent, prelude: o.prelude, onRehearsalEvent: rehearsalEvent, rehearse, approve }),
  };
}

function toMessage(e: AskEvent): JobMessage | null {
  switch (e.type) {
    case 'round':
      return { type: 'round', round: e.round };
    case 'request':
      return { type: 'waiting', round: e.round, purpose: e.purpose };
    case 'helper':
      return { type: 'note', round: e.round, text: e.code ? `wrote helper ${e.name}()` : `could not get a definition of ${e.name}()` };
    case 'tool':
      return { type: 'tool', round: e.round, name: e.name, signature: e.signature, description: e.description, code: e.code };
    case 'program':
      // A reply without a program is reported by the check that follows.
      return e.program === null ? null : { type: 'program', round: e.round, source: e.program };
    case 'check':
      return {
        type: 'check',
        round: e.round,
        ok: e.check.ok,
        diagnostics: e.check.diagnostics.map((d) => (d.line > 0 ? `line ${d.line}: ${d.message}` : d.message)),
      };
    case 'fixup':
      return { type: 'note', round: e.round, text: `sent back for correction at once (${e.fixup} of ${e.max}; not a round: nothing moved)` };
    case 'run':
      return { type: 'run', round: e.round, event: e.event };
    case 'result':
      return { type: 'result', round: e.round, result: runSummary(e.result) };
    case 'verdict':
      return { type: 'verdict', round: e.round, done: e.verdict.done, critique: e.verdict.critique };
    default:
      return null;
  }
}
