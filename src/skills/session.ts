import type { OpenBackend } from '../backends/open.ts';
import type { BackendOptions } from '../backends/options.ts';
import type { AskDeps, AskOutcome } from '../model/loop.ts';
import type { Transcript } from '../model/transcript.ts';
import { embedderFromEnv, type Embedder } from './embed.ts';
import { SkillLibrary, label, learnedText, offerText, type Learned, type Offer } from './library.ts';
import type { SkillsChoice } from './options.ts';
import { prepareRehearsal, type Rehearse } from './rehearse.ts';

// Skills for the instructions of one conversation (a `wand ask` run, a `wand serve` tab): before each
// instruction, what to offer; after it, what was learned, as progress lines, a transcript entry and a
// field of the --json output.

/** The `skills` field of `wand ask --json`. */
export interface SkillsJson {
  offered: string[];
  used: Learned['used'];
  retired: string[];
  stored: Learned['stored'];
  rejected: Learned['rejected'];
  warnings: string[];
}

export class SkillSession {
  readonly library: SkillLibrary;
  private pending: { offer: Offer; rehearse: Rehearse | undefined } | undefined;

  constructor(
    private readonly target: OpenBackend,
    private readonly options: BackendOptions,
    opts: { dir?: string; embedder?: Embedder | null; transcript?: Transcript },
  ) {
    this.library = new SkillLibrary({ dir: opts.dir, profile: target.backend.profile, primitives: target.primitives, embedder: opts.embedder });
    this.transcript = opts.transcript;
  }

  private readonly transcript: Transcript | undefined;

  /** Chooses the skills for the instruction and returns the loop's deps with them offered. */
  async before(instruction: string, deps: AskDeps, signal?: AbortSignal): Promise<{ offer: Offer; deps: AskDeps; lines: string[] }> {
    const offer = await this.library.offer(instruction, signal);
    // The rehearsal starts from the world as it is now, before the instruction changes it.
    let rehearse: Rehearse | undefined;
    try {
      rehearse = await prepareRehearsal(this.target, this.options, this.target.backend.state());
    } catch (err) {
      offer.warnings.push(`no simulator rehearsal is possible, so no new skill can be stored (${(err as Error).message})`);
    }
    this.pending = { offer, rehearse };
    return { offer, deps: withOffer(deps, offer), lines: offerText(offer) };
  }

  /** Counters and the promotion gate, after the instruction. */
  async after(instruction: string, outcome: AskOutcome, signal?: AbortSignal): Promise<{ json: SkillsJson; lines: string[] }> {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) throw new Error('SkillSession.after() without before()');
    const { offer, rehearse } = pending;
    // A stopped instruction teaches nothing: storing would need a rehearsal the person just interrupted.
    const learned: Learned =
      outcome.stopped === 'aborted'
        ? { used: [], retired: [], stored: [], rejected: [], warnings: [] }
        : await this.library.learn(instruction, outcome, offer, { rehearse, session: this.transcript?.displayPath, signal });
    const json: SkillsJson = {
      offered: offer.skills.map(label),
      used: learned.used,
      retired: learned.retired,
      stored: learned.stored,
      rejected: learned.rejected,
      warnings: [...offer.warnings, ...learned.warnings],
    };
    // Only instructions that involved skills get a transcript line.
    if (Object.values(json).some((v) => v.length)) this.transcript?.write({ type: 'skills', ...json });
    return { json, lines: learnedText(learned, this.library.store) };
  }
}

/**
 * The skill session for a conversation, its embedder from the environment. `target` must be the world as
 * opened: the promotion gate takes its rehearsal copy from it before each instruction.
 */
export function openSkillSession(
  choice: NonNullable<SkillsChoice>,
  target: OpenBackend,
  options: BackendOptions,
  ctx: { env: NodeJS.ProcessEnv; transcript?: Transcript },
): SkillSession {
  return new SkillSession(target, options, { dir: choice.dir, embedder: embedderFromEnv(ctx.env), transcript: ctx.transcript });
}

/** The offered skills made callable: prompt lines, checker declarations and the sandbox prelude. */
function withOffer(deps: AskDeps, offer: Offer): AskDeps {
  return {
    ...deps,
    toolsKept: true,
    checker: offer.checker,
    world: offer.extraApi ? { ...deps.world, extraApi: offer.extraApi } : deps.world,
    ...(offer.prelude ? { prelude: offer.prelude } : {}),
  };
}
