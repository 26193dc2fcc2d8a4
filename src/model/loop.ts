import type { StateSnapshot } from '../../primitives/backend.ts';
import type { ProgramChecker } from '../check/index.ts';
import { isLimitDiagnostic } from '../check/limits.ts';
import type { CheckReport } from '../check/report.ts';
import { WandError, throwIfAborted, toErrorInfo, type ErrorInfo } from '../core/errors.ts';
import type { RunEvent, RunResult } from '../run/result.ts';
import type { CandidateSimulator } from '../select/pool.ts';
import { findTools } from '../skills/extract.ts';
import { sampleAndSelect, type CandidatesRecord } from '../select/round.ts';
import { addUsage, emptyUsage, type ChatMessage, type ChatModel, type Completion, type Usage } from './chat.ts';
import { draftProgram, type Draft } from './draft.ts';
import { fenced } from './extract.ts';
import { isGeneralInstruction } from './general.ts';
import { observationText } from './observation.ts';
import {
  checkFeedback,
  errorText,
  noProgramFeedback,
  runFeedback,
  systemPrompt,
  turnMessage,
  verdictFeedback,
  verifyMessages,
  type PromptWorld,
} from './prompt.ts';
import { AskSession } from './session.ts';
import { parseVerdict, type Verdict } from './verify.ts';

// The closed loop, in CREATOR's stages: creation (the model writes a program, helpers on demand: draft.ts),
// decision (checks before anything moves, then the verifier after a clean run), execution (the sandbox
// on the target) and rectification (what went wrong goes back to the model), until done or out of rounds.

/** Where programs run: the simulator or the robot, through executeProgram. */
export interface AskTarget {
  state(): StateSnapshot;
  execute(source: string, opts: { signal?: AbortSignal; onEvent?: (e: RunEvent) => void; prelude?: string }): Promise<RunResult>;
}

export type Purpose = 'program' | 'helper' | 'verify';

/** What the loop reports as it goes: for progress lines, transcripts and the session page. */
export type AskEvent =
  | { type: 'start'; instruction: string; state: StateSnapshot; observation: string }
  | { type: 'round'; round: number }
  | { type: 'request'; round: number; purpose: Purpose; messages: ChatMessage[] }
  | { type: 'delta'; round: number; purpose: Purpose; text: string }
  | { type: 'reply'; round: number; purpose: Purpose; text: string; completion: Completion }
  | { type: 'helper'; round: number; name: string; code: string | null }
  /**
   * CREATOR's creation step made visible: the program defines a general, documented function (a tool)
   * before calling it. Emitted per tool, just before the 'program' event that carries the whole program.
   */
  | { type: 'tool'; round: number; name: string; signature: string; description: string; code: string }
  | { type: 'program'; round: number; program: string | null; problem?: string }
  | { type: 'check'; round: number; check: CheckReport }
  /** The draft failed the checks (or held no program) and goes back at once; this does not use up a round. */
  | { type: 'fixup'; round: number; fixup: number; max: number }
  | { type: 'run'; round: number; event: RunEvent }
  | { type: 'result'; round: number; result: RunResult }
  | { type: 'verdict'; round: number; verdict: Verdict }
  /** With samples > 1: what became of the round's candidates in simulation, before the target runs one. */
  | { type: 'candidates'; round: number; candidates: CandidatesRecord }
  | { type: 'end'; outcome: AskOutcome };

export interface RoundRecord {
  /** The program as checked and run, helpers appended; null when the reply held none. */
  program: string | null;
  check: CheckReport;
  /**
   * Earlier drafts of this round that failed the checks (or held no program), each sent back at once for
   * correction: nothing moved, so they do not use up a round. At most `fixups` (default 2) per round.
   */
  fixups?: { program: string | null; check: CheckReport }[];
  /** The `wand run` result, or null when the checks failed and nothing moved. */
  result: RunResult | null;
  verdict?: Verdict;
  /** With samples > 1: the candidates tried in simulation; `program` is the chosen one (or the first). */
  candidates?: CandidatesRecord;
}

export interface AskOutcome {
  ok: boolean;
  instruction: string;
  rounds: RoundRecord[];
  final: RunResult | null;
  usage: Usage;
  /** Why the loop ended. */
  stopped: 'done' | 'budget' | 'aborted' | 'error';
  error?: ErrorInfo;
  /** One line per round: what was tried and how it went. */
  summary: string[];
}

export interface AskOptions {
  /** Round budget (default 3). */
  rounds?: number;
  /** Ask the model whether a clean run did the task (default true). */
  verify?: boolean;
  /** How deep helpers may call further undefined helpers (default 3). */
  helperDepth?: number;
  /** Corrections of a draft that failed the checks, asked for at once within a round (default 2). */
  fixups?: number;
  /** Candidate programs per round, tried in simulation before one runs on the target (default 1; needs `simulator`). */
  samples?: number;
  signal?: AbortSignal;
  onEvent?: (event: AskEvent) => void;
}

export interface AskDeps {
  model: ChatModel;
  /** Answers the verification requests instead of `model` (WAND_VERIFIER_MODEL). */
  verifier?: ChatModel;
  /** Verified tools are kept (a skills library is on): a general instruction asks for a reusable function. */
  toolsKept?: boolean;
  checker: ProgramChecker;
  target: AskTarget;
  world: PromptWorld;
  /** Carries history, helpers and usage from one instruction to the next. */
  session?: AskSession;
  /**
   * Trusted definitions run before every program (stored skills). Their signatures belong in
   * `world.extraApi` for the prompt and in the checker's extra declarations.
   */
  prelude?: string;
  /** Judges a clean run instead of the model's verifier (the benchmark's success predicate). */
  judge?: (initial: StateSnapshot, result: RunResult) => Verdict;
  /** Where candidate programs are tried when `samples` > 1. */
  simulator?: CandidateSimulator;
}

export async function ask(instruction: string, deps: AskDeps, opts: AskOptions = {}): Promise<AskOutcome> {
  const session = deps.session ?? new AskSession();
  return new AskRun(instruction, deps, session, opts).run();
}

class AskRun {
  private readonly rounds: RoundRecord[] = [];
  private readonly summary: string[] = [];
  private readonly messages: ChatMessage[];
  private readonly turn: ChatMessage;
  private readonly usage: Usage = emptyUsage();
  private final: RunResult | null = null;
  /** The world when the instruction was given. */
  private readonly initial: StateSnapshot;
  private round = 0;
  private lastReply: string | null = null;
  private readonly emit: (e: AskEvent) => void;

  constructor(
    private readonly instruction: string,
    private readonly deps: AskDeps,
    private readonly session: AskSession,
    private readonly opts: AskOptions,
  ) {
    this.emit = opts.onEvent ?? (() => {});
    const before = deps.target.state();
    this.initial = before;
    const askForTool = Boolean(deps.toolsKept) && isGeneralInstruction(instruction);
    this.turn = { role: 'user', content: turnMessage(instruction, before, session.previousOutcome, askForTool) };
    this.messages = [{ role: 'system', content: systemPrompt(deps.world) }, ...session.history, this.turn];
    this.emit({ type: 'start', instruction, state: before, observation: observationText(before) });
  }

  async run(): Promise<AskOutcome> {
    const budget = this.opts.rounds ?? 3;
    try {
      while (this.round < budget) {
        this.round++;
        this.emit({ type: 'round', round: this.round });
        if (await this.attempt()) return this.end('done');
      }
      return this.end('budget');
    } catch (err) {
      const info = toErrorInfo(err, 'runtime');
      if (!(err instanceof WandError)) info.message = `internal error: ${info.message}`;
      return this.end(info.kind === 'aborted' ? 'aborted' : 'error', info);
    }
  }

  /** One round: write, check, run, verify. True when the task is done. */
  private async attempt(): Promise<boolean> {
    if ((this.opts.samples ?? 1) > 1 && this.deps.simulator) return this.attemptSampled(this.deps.simulator);
    // A draft that fails the checks moved nothing: it goes back at once, and only the last draft of the
    // round counts, so the rounds are spent on motion, not on typos.
    const max = this.opts.fixups ?? DEFAULT_FIXUPS;
    const fixups: NonNullable<RoundRecord['fixups']> = [];
    let draft = await this.draft(this.messages, this.session.helpers);
    this.announce(draft);
    while (!draft.check.ok && fixups.length < max) {
      fixups.push({ program: draft.program, check: draft.check });
      this.emit({ type: 'fixup', round: this.round, fixup: fixups.length, max });
      this.feedback(this.draftFeedback(draft));
      draft = await this.draft(this.messages, this.session.helpers);
      this.announce(draft);
    }
    const { program, check } = draft;
    const fixed = fixups.length ? { fixups } : {};
    const note = fixups.length ? ` after ${fixups.length} correction${fixups.length === 1 ? '' : 's'} of the checks` : '';
    if (program === null) {
      this.record({ program, check, result: null, ...fixed }, `no program (${draft.problem})${note}`);
      this.feedback(this.draftFeedback(draft));
      return false;
    }
    if (!check.ok) {
      const first = check.diagnostics[0]!;
      this.record({ program, check, result: null, ...fixed }, `checks failed, nothing moved (line ${first.line}: ${first.message})${note}`);
      this.feedback(this.draftFeedback(draft));
      return false;
    }
    return this.runOnTarget(program, check, undefined, fixups);
  }

  /** What goes back for a draft that cannot run: why there is no program, or the checks' diagnostics. */
  private draftFeedback(draft: Draft): string {
    return draft.program === null ? noProgramFeedback(draft.problem!) : checkFeedback(draft.check.diagnostics, draft.program);
  }

  /** A round with K candidates: draft all, try them in simulation, run the best one on the target. */
  private async attemptSampled(simulator: CandidateSimulator): Promise<boolean> {
    const sampled = await sampleAndSelect({
      samples: this.opts.samples!,
      messages: this.messages,
      // Parallel replies are not streamed: their deltas would interleave.
      draft: (messages, helpers) => this.draft(messages, helpers, false),
      helpers: this.session.helpers,
      simulator,
      before: this.deps.target.state(),
      prelude: this.deps.prelude,
      signal: this.opts.signal,
      judge: (result, program) => this.judge(result, program),
      cheapJudge: Boolean(this.deps.judge),
      verify: this.opts.verify !== false,
    });
    this.emit({ type: 'candidates', round: this.round, candidates: sampled.record });
    const chosen = sampled.chosen;
    if (!chosen) {
      const shown = sampled.drafts.find((d) => d.program !== null) ?? sampled.drafts[0]!;
      this.lastReply = shown.reply;
      this.record({ program: shown.program, check: shown.check, result: null, candidates: sampled.record }, sampled.line);
      this.messages.push(...sampled.feedback);
      return false;
    }
    // The winner's conversation and helpers become the session's, as if it had been the only reply.
    this.messages.splice(0, this.messages.length, ...chosen.messages);
    for (const [name, code] of chosen.helpers) this.session.helpers.set(name, code);
    this.announce(chosen.draft);
    return this.runOnTarget(chosen.draft.program, chosen.draft.check, { record: sampled.record, line: sampled.line, sim: chosen.sim, verdict: chosen.verdict });
  }

  /** Creation: one reply on `messages`, helpers written into `helpers`, the result checked. */
  private draft(messages: ChatMessage[], helpers: Map<string, string>, stream = true): Promise<Draft> {
    return draftProgram(
      messages,
      {
        complete: (m, purpose) => this.complete(m, purpose, stream),
        onHelper: (name, code) => this.emit({ type: 'helper', round: this.round, name, code }),
      },
      { checker: this.deps.checker, helpers, helperDepth: this.opts.helperDepth, signal: this.opts.signal },
    );
  }

  /** The round's program: the tools it defines (the documented functions: CREATOR's creation step), the program, its check. */
  private announce(draft: Draft): void {
    this.lastReply = draft.reply;
    const { program, check, problem } = draft;
    // A program too large or deep to check is not parsed here either.
    const parsable = program !== null && !check.diagnostics.some(isLimitDiagnostic);
    for (const t of parsable ? findTools(program) : []) {
      const signature = `${t.name}(${t.params.join(', ')})`;
      this.emit({ type: 'tool', round: this.round, name: t.name, signature, description: t.description, code: t.code });
    }
    this.emit({ type: 'program', round: this.round, program, ...(problem ? { problem } : {}) });
    this.emit({ type: 'check', round: this.round, check });
  }

  /** Runs a checked program on the target and judges the outcome. True when the task is done. */
  private async runOnTarget(
    program: string,
    check: CheckReport,
    sampled?: { record: CandidatesRecord; line: string; sim: RunResult; verdict?: Verdict },
    fixups: NonNullable<RoundRecord['fixups']> = [],
  ): Promise<boolean> {
    this.throwIfAborted();
    const before = this.deps.target.state();
    const result = await this.deps.target.execute(program, {
      signal: this.opts.signal,
      ...(this.deps.prelude ? { prelude: this.deps.prelude } : {}),
      onEvent: (event) => this.emit({ type: 'run', round: this.round, event }),
    });
    this.final = result;
    this.emit({ type: 'result', round: this.round, result });
    const round: RoundRecord = { program, check, result, ...(fixups.length ? { fixups } : {}), ...(sampled ? { candidates: sampled.record } : {}) };
    const fixed = fixups.length ? `checks corrected ${fixups.length === 1 ? 'once' : `${fixups.length} times`}, then ` : '';
    const record = (line: string) => this.record(round, `${sampled ? `${sampled.line}; ` : ''}${fixed}${line}`);
    if (!result.ok) {
      record(`ran and failed: ${errorText(result)}`);
      if (result.error?.kind === 'aborted') throw new WandError('aborted', result.error.message);
      this.feedback(runFeedback(result, before, program));
      return false;
    }
    if (this.opts.verify === false) {
      record('ran without error (not verified)');
      return true;
    }

    // A model verdict on the simulated copy stands when the target ended where the copy did.
    const verdict = sampled?.verdict && !this.deps.judge && sameOutcome(sampled.sim, result) ? sampled.verdict : await this.judge(result, program);
    round.verdict = verdict;
    this.emit({ type: 'verdict', round: this.round, verdict });
    record(verdict.done ? `ran; verified done${verdict.critique ? ` (${verdict.critique})` : ''}` : `ran; verifier: not done (${verdict.critique})`);
    if (verdict.done) return true;
    this.feedback(verdictFeedback(verdict.critique, result, before));
    return false;
  }

  /**
   * The verifier judges the whole task: the world when the instruction was given against the world now,
   * with the program, its calls and Wand's measured relation facts. The verdict says what judged it.
   */
  private async judge(result: RunResult, program: string): Promise<Verdict> {
    if (this.deps.judge) return { ...this.deps.judge(this.initial, result), by: 'predicate' };
    const messages = verifyMessages(this.deps.world, this.instruction, this.initial, result, program);
    return { ...parseVerdict(await this.complete(messages, 'verify')), by: 'model' };
  }

  private async complete(messages: ChatMessage[], purpose: Purpose, stream = true): Promise<string> {
    this.throwIfAborted();
    // Snapshot: the array grows after the request, but the event must say what was sent.
    const sent = [...messages];
    this.emit({ type: 'request', round: this.round, purpose, messages: sent });
    // The verifier may be a model of its own (WAND_VERIFIER_MODEL), so it does not share the coder's blind spots.
    const model = purpose === 'verify' && this.deps.verifier ? this.deps.verifier : this.deps.model;
    const completion = await model.complete(sent, {
      signal: this.opts.signal,
      ...(stream ? { onDelta: (text: string) => this.emit({ type: 'delta', round: this.round, purpose, text }) } : {}),
    });
    addUsage(this.usage, completion);
    addUsage(this.session.usage, completion);
    this.emit({ type: 'reply', round: this.round, purpose, text: completion.text, completion });
    return completion.text;
  }

  private feedback(text: string): void {
    this.messages.push({ role: 'user', content: text });
  }

  private record(round: RoundRecord, line: string): void {
    this.rounds.push(round);
    this.summary.push(`round ${this.round}: ${line}`);
  }

  private throwIfAborted(): void {
    throwIfAborted(this.opts.signal);
  }

  private end(stopped: AskOutcome['stopped'], error?: ErrorInfo): AskOutcome {
    const ok = stopped === 'done';
    const outcome: AskOutcome = {
      ok,
      instruction: this.instruction,
      rounds: this.rounds,
      final: this.final,
      usage: this.usage,
      stopped,
      summary: this.summary,
    };
    if (error) outcome.error = error;
    const said =
      stopped === 'done'
        ? 'done'
        : stopped === 'budget'
          ? `not done after ${this.rounds.length} round${this.rounds.length === 1 ? '' : 's'}${this.summary.length ? ` (${this.summary.at(-1)})` : ''}`
          : stopped === 'aborted'
            ? 'stopped by the person'
            : `failed: ${error?.message}`;
    const finalProgram = [...this.rounds].reverse().find((r) => r.program)?.program;
    this.session.remember(this.turn, finalProgram ? fenced(finalProgram) : this.lastReply, said);
    this.emit({ type: 'end', outcome });
    return outcome;
  }
}

/** Corrections of a failed check asked for within one round before the round counts as failed. */
export const DEFAULT_FIXUPS = 2;

/** Did the target end where the simulated copy did (every object within 1 cm, same grasp)? */
function sameOutcome(sim: RunResult, real: RunResult): boolean {
  if (sim.ok !== real.ok || sim.state.holding !== real.state.holding) return false;
  const there = new Map(sim.state.objects.map((o) => [o.name, o.position]));
  return real.state.objects.every((o) => {
    const p = there.get(o.name);
    return p !== undefined && Math.hypot(p.x - o.position.x, p.y - o.position.y, p.z - o.position.z) <= 0.01;
  });
}
