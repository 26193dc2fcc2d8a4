import type { SkillCheck, SkillUsage } from '../skills/checker.ts';
import type { CheckOptions, ProgramCheck } from './analyze.ts';
import { composeProgram, type MissingHelper } from './helpers.ts';
import { CHECK_BUDGET_MS, checkerStopped, overBudget, sourceLimits } from './limits.ts';
import type { CheckReport } from './report.ts';
import { checkerThread } from './thread.ts';

// Everything a program goes through before anything moves: limits, whitelist, then types (analyze.ts).
// The checks run in the type-checker thread (thread.ts), so the main thread stays free for Ctrl-C, the
// e-stop and every other tab while TypeScript works; size and bracket nesting are refused before that.

export interface ProgramCheckerOptions {
  /** Wall-clock budget of one check once the checker has started on it (default CHECK_BUDGET_MS). */
  budgetMs?: number;
}

export class ProgramChecker {
  private readonly budgetMs: number;

  /** `declarations`: functions programs may call besides the API (stored skills' signatures). */
  constructor(
    readonly dts: string,
    readonly declarations = '',
    opts: ProgramCheckerOptions = {},
  ) {
    this.budgetMs = opts.budgetMs ?? CHECK_BUDGET_MS;
  }

  /** Loads TypeScript and this API's declarations in the checker thread, resolving when done. Never rejects. */
  warm(): Promise<void> {
    return this.warming(false);
  }

  /**
   * The same, without waiting and without keeping the process alive for it: call it when a session
   * starts, so the first reply is checked warm while the model is still thinking.
   */
  warmSoon(): void {
    void this.warming(true);
  }

  private warming(background: boolean): Promise<void> {
    return checkerThread()
      .run({ type: 'warm', dts: this.dts }, { budgetMs: 10 * 60_000, background })
      .then(
        () => {},
        () => {},
      );
  }

  /**
   * Checks a program. Calls to undefined functions are listed in `missing` and, when `allowMissing`
   * is set, not reported as errors, so the caller can have them written first. Rejects only when
   * `signal` aborts (with its reason) or the checker itself breaks.
   */
  async check(source: string, opts: CheckOptions & { signal?: AbortSignal } = {}): Promise<ProgramCheck> {
    const { signal, ...options } = opts;
    const language = options.language ?? 'js';
    const limit = sourceLimits(source);
    if (limit) return { ok: false, diagnostics: [limit], missing: [], language };
    const outcome = await checkerThread().run<ProgramCheck>(
      { type: 'program', dts: this.dts, source, declarations: this.declarations, opts: options },
      { budgetMs: this.budgetMs, signal },
    );
    if ('result' in outcome) return outcome.result;
    return { ok: false, diagnostics: [this.unchecked(outcome)], missing: [], language };
  }

  /** Skill code on its own, against the API plus `declarations` (src/skills/checker.ts). */
  async checkSkill(code: string, declarations = '', usage?: SkillUsage, signal?: AbortSignal): Promise<SkillCheck> {
    const limit = sourceLimits(code);
    const refused = (message: string): SkillCheck => ({ ok: false, problems: [message], signatures: new Map(), descriptions: new Map() });
    if (limit) return refused(limit.message);
    const outcome = await checkerThread().run<SkillCheck>({ type: 'skill', dts: this.dts, code, declarations, usage }, { budgetMs: this.budgetMs, signal });
    return 'result' in outcome ? outcome.result : refused(this.unchecked(outcome).message);
  }

  /** Why a program got no check: over budget, or the checker thread died on it. */
  private unchecked(outcome: { overBudget: true } | { crashed: string }) {
    return 'overBudget' in outcome ? overBudget(this.budgetMs) : checkerStopped(outcome.crashed);
  }
}

export { composeProgram };
export type { CheckReport, MissingHelper, ProgramCheck };
