import type { OpenBackend } from '../backends/open.ts';
import type { BackendOptions } from '../backends/options.ts';
import type { AskOutcome } from '../model/loop.ts';
import type { Transcript } from '../model/transcript.ts';
import type { Embedder } from './embed.ts';
import { SkillLibrary, label, learnedText, offerText, type Learned, type Offer } from './library.ts';
import { prepareRehearsal, type Rehearse } from './rehearse.ts';

// Skills for the instructions of one `wand ask` run: before each instruction, what to offer; after it,
// what was learned, as progress lines, a transcript entry and a field of the --json output.

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

  /** Chooses the skills for the instruction; spread `deps` into the loop's deps and `extraApi` into its world. */
  async before(instruction: string, signal?: AbortSignal): Promise<{ offer: Offer; lines: string[] }> {
    const offer = await this.library.offer(instruction, signal);
    // The rehearsal starts from the world as it is now, before the instruction changes it.
    let rehearse: Rehearse | undefined;
    try {
      rehearse = await prepareRehearsal(this.target, this.options, this.target.backend.state());
    } catch (err) {
      offer.warnings.push(`no simulator rehearsal is possible, so no new skill can be stored (${(err as Error).message})`);
    }
    this.pending = { offer, rehearse };
    return { offer, lines: offerText(offer) };
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
