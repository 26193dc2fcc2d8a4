import { generateDts, primitivesFor, type ProfileName } from '../../primitives/index.ts';
import type { OpenBackend } from '../backends/open.ts';
import { ProgramChecker } from '../check/index.ts';
import type { ErrorInfo } from '../core/errors.ts';
import type { ChatModel } from '../model/chat.ts';
import { OpenAIChatModel } from '../model/client.ts';
import { modelConfigFromEnv } from '../model/config.ts';
import { ask, type AskEvent } from '../model/loop.ts';
import { AskSession } from '../model/session.ts';
import { Transcript, recordEvent } from '../model/transcript.ts';
import { executeProgram } from '../run/execute.ts';
import type { ServerMessage } from './protocol.ts';

// The instruction box drives the same loop as `wand ask` (src/model/loop.ts); this file turns that loop's
// events into protocol messages for one job. A conversation lives as long as its tab's world, so
// follow-up instructions ("now the blue one", "undo that") see the earlier ones.

type JobScoped = Extract<ServerMessage, { job: number }>;
/** A protocol message without its job number (the session adds it). */
export type JobMessage = JobScoped extends infer M ? (M extends { job: number } ? Omit<M, 'job'> : never) : never;

export interface AskOutcome {
  ok: boolean;
  error: ErrorInfo | null;
  message?: string;
}

export interface AskConversation {
  ask(instruction: string, signal: AbortSignal, emit: (msg: JobMessage) => void): Promise<AskOutcome>;
}

/** Checkers keep a TypeScript language service warm; one per primitive profile serves every tab. */
const checkers = new Map<string, ProgramChecker>();

function checkerFor(profile: ProfileName): ProgramChecker {
  let checker = checkers.get(profile);
  if (!checker) {
    checker = new ProgramChecker(generateDts(primitivesFor(profile)));
    checkers.set(profile, checker);
  }
  return checker;
}

/**
 * Loading TypeScript and warming its language service blocks the event loop for a second or more; the
 * server does it right after start-up (when a model is configured) rather than in the middle of a session.
 */
export function warmChecker(profile: ProfileName): void {
  checkerFor(profile).warm();
}

export interface ConversationOptions {
  env?: NodeJS.ProcessEnv;
  /** Substitute model (tests); by default the OpenAI-compatible endpoint from the environment. */
  model?: ChatModel;
  rounds?: number;
  /** Keep a JSONL transcript under .wand/sessions/, like `wand ask` (default true). */
  transcript?: boolean;
}

/** One conversation per tab, on that tab's world. Throws a usage error when no model is configured. */
export function openConversation(target: OpenBackend, opts: ConversationOptions = {}): AskConversation {
  const model = opts.model ?? new OpenAIChatModel(modelConfigFromEnv(opts.env ?? process.env, { stream: true }));
  const session = new AskSession();
  let transcript: Transcript | undefined;
  const deps = {
    model,
    checker: checkerFor(target.backend.profile),
    session,
    world: { profile: target.backend.profile, primitives: target.primitives, world: target.backend.world() },
    target: {
      state: () => target.backend.state(),
      execute: (source: string, o: { signal?: AbortSignal; onEvent?: Parameters<typeof executeProgram>[0]['onEvent'] }) =>
        executeProgram({ source, target, signal: o.signal, onEvent: o.onEvent }),
    },
  };

  return {
    async ask(instruction, signal, emit) {
      if (opts.transcript !== false) transcript ??= new Transcript();
      const outcome = await ask(instruction, deps, {
        rounds: opts.rounds,
        signal,
        onEvent: (e) => {
          if (transcript) recordEvent(transcript, e);
          const msg = toMessage(e);
          if (msg) emit(msg);
        },
      });
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

function toMessage(e: AskEvent): JobMessage | null {
  switch (e.type) {
    case 'round':
      return { type: 'round', round: e.round };
    case 'request':
      return { type: 'waiting', round: e.round, purpose: e.purpose };
    case 'helper':
      return { type: 'note', round: e.round, text: e.code ? `wrote helper ${e.name}()` : `could not get a definition of ${e.name}()` };
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
    case 'run':
      return { type: 'run', round: e.round, event: e.event };
    case 'result': {
      const { state: _state, world: _world, ...summary } = e.result;
      return { type: 'result', round: e.round, result: summary };
    }
    case 'verdict':
      return { type: 'verdict', round: e.round, done: e.verdict.done, critique: e.verdict.critique };
    default:
      return null;
  }
}
