import { writeFileSync } from 'node:fs';
import { WandError } from '../core/errors.ts';
import type { ChatModel } from '../model/chat.ts';
import { MODEL_ENV_USAGE, NO_ENDPOINT, modelConfigFromEnv, verifierConfigFromEnv } from '../model/config.ts';
import { combos, generateEpisodes, type Episode, type SplitChoice } from '../tasks/suite.ts';
import { TEMPLATES } from '../tasks/templates.ts';
import { abortOnSignals } from './signals.ts';
import { UsageError, numberFlag, parseCommandLine } from './usage.ts';

const USAGE = `Usage: wand bench [options]

Measures how often the robot does what it is told, the way Code as Policies was evaluated: instruction
templates with seen and unseen attributes, a scene drawn per episode from the seed, and a success
predicate per template checked on the objects before and after (the README's "What success means" says what each
predicate accepts). Every episode is a fresh "wand ask" loop on its own simulated tabletop.

  --suite tabletop          the benchmark suite (default tabletop, the only one so far)
  --split seen|unseen|all   which episodes (default all)
  --episodes N              episodes per template and attribute split (default 1)
  --seed S                  draws the scenes and attributes (default 0); a seed names the same episodes everywhere
  --template ID[,ID...]     only these templates
  --rounds R                round budget per episode (default 3)
  --samples K               candidate programs per round, each tried on a simulated copy in parallel
                            worker threads; the first that succeeds (fewest calls) runs (default 1)
  --verifier predicate|model
                            what judges a clean run inside the loop: the episode's success predicate
                            (default; the model only hears "not done") or the model's verifier, given
                            Wand's measured relation facts (WAND_VERIFIER_MODEL, else the same model;
                            with --llm oracle, the endpoint's model); false "done" verdicts are counted
  --llm openai|oracle       where programs come from (default openai); oracle replies with each episode's
                            reference program, to check the harness and simulator (should score 100%)
  --model M                 model name (default: WAND_MODEL)
  --json                    print the results as JSON instead of the table
  --report FILE.html        also write a self-contained HTML report with charts

${MODEL_ENV_USAGE}

Progress goes to standard error, results to standard output. Ctrl-C stops after reporting the episodes
finished so far (exit code 130). Exit code 0 otherwise, whatever the success rate; 2 for usage errors.`;

export async function main(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(
    argv,
    {
      suite: { type: 'string' },
      split: { type: 'string' },
      episodes: { type: 'string' },
      seed: { type: 'string' },
      template: { type: 'string' },
      rounds: { type: 'string' },
      samples: { type: 'string' },
      verifier: { type: 'string' },
      llm: { type: 'string' },
      model: { type: 'string' },
      json: { type: 'boolean' },
      report: { type: 'string' },
    },
    USAGE,
    false,
  );
  const str = (k: string) => values[k as keyof typeof values] as string | undefined;
  const suite = str('suite') ?? 'tabletop';
  if (suite !== 'tabletop') throw new UsageError(`--suite must be "tabletop", got "${suite}"`);
  const split = (str('split') ?? 'all') as SplitChoice;
  if (!['seen', 'unseen', 'all'].includes(split)) throw new UsageError(`--split must be "seen", "unseen" or "all", got "${split}"`);
  const perTemplate = numberFlag(str('episodes'), 'episodes', { integer: true, min: 1 }) ?? 1;
  const seed = numberFlag(str('seed'), 'seed', { integer: true, min: 0 }) ?? 0;
  const rounds = numberFlag(str('rounds'), 'rounds', { integer: true, min: 1 }) ?? 3;
  const samples = numberFlag(str('samples'), 'samples', { integer: true, min: 1 }) ?? 1;
  const verifier = str('verifier') ?? 'predicate';
  if (verifier !== 'predicate' && verifier !== 'model') throw new UsageError(`--verifier must be "predicate" or "model", got "${verifier}"`);
  const llm = str('llm') ?? 'openai';
  if (llm !== 'openai' && llm !== 'oracle') throw new UsageError(`--llm must be "openai" or "oracle", got "${llm}"`);
  const templates = str('template')
    ?.split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const known = new Set(combos(split).map((c) => c.template.id));
  for (const t of templates ?? []) {
    if (!TEMPLATES.some((x) => x.id === t)) throw new UsageError(`unknown template "${t}"; templates: ${TEMPLATES.map((x) => x.id).join(', ')}`);
    if (!known.has(t)) throw new UsageError(`template "${t}" has no episodes in the ${split} split`);
  }
  const reportPath = str('report');
  const json = Boolean(values.json);

  // The endpoint is checked before anything loads, so a missing key fails at once, in the words `wand ask` uses.
  // The oracle writes programs without one; a model verifier still needs one.
  let shared: ChatModel | undefined;
  let verifierModel: ChatModel | undefined;
  if (llm === 'openai' || verifier === 'model') {
    let config;
    try {
      config = modelConfigFromEnv(process.env, { model: str('model') });
    } catch (err) {
      if (err instanceof WandError && err.message === NO_ENDPOINT) {
        const why = llm === 'oracle' ? '--verifier model needs a model endpoint even with --llm oracle: ' : '';
        throw new WandError('usage', why + NO_ENDPOINT.replace('--llm manual', '--llm oracle'));
      }
      throw err;
    }
    const { OpenAIChatModel } = await import('../model/client.ts');
    if (llm === 'openai') shared = new OpenAIChatModel(config);
    if (verifier === 'model') {
      const own = verifierConfigFromEnv(process.env, config);
      verifierModel = own ? new OpenAIChatModel(own) : llm === 'oracle' ? new OpenAIChatModel(config) : undefined;
    }
  }

  const episodes = generateEpisodes({ split, episodes: perTemplate, seed, ...(templates ? { templates } : {}) });
  const [{ runBench, tabletopChecker }, { OracleModel }, { summarize }, { benchTable }, { benchHtml }] = await Promise.all([
    import('../bench/run.ts'),
    import('../bench/oracle.ts'),
    import('../bench/results.ts'),
    import('../bench/table.ts'),
    import('../bench/html.ts'),
  ]);
  const modelFor = (ep: Episode): ChatModel => shared ?? new OracleModel(ep.solution);
  const label = shared?.label ?? new OracleModel('').label;

  let pool: import('../select/pool.ts').SimPool | undefined;
  if (samples > 1) {
    const { SimPool, defaultPoolSize } = await import('../select/pool.ts');
    pool = new SimPool({ size: Math.min(samples, defaultPoolSize()) });
    // Warm while the first episode's model request is out.
    void pool.warm().catch(() => {});
  }
  const checker = tabletopChecker();
  // The checker thread loads TypeScript while the first episode's model request is out.
  checker.warmSoon();

  const stop = abortOnSignals();
  const progress = new Progress(episodes.length);
  const startedAt = new Date().toISOString();
  let run;
  try {
    run = await runBench({
      episodes,
      model: modelFor,
      ...(verifierModel ? { verifierModel } : {}),
      rounds,
      samples,
      verifier,
      checker,
      signal: stop.signal,
      ...(pool ? { simulator: pool } : {}),
      onEpisodeStart: (ep, i) => progress.start(ep, i),
      onEpisode: (r, i) => {
        progress.done(r, i);
        // A model endpoint that cannot be reached fails every episode the same way: stop at the first.
        if (r.stopped === 'error' && (r.error?.kind === 'connection' || r.error?.kind === 'timeout') && r.requests === 0 && i === 0) {
          throw new WandError(r.error.kind, r.error.message);
        }
      },
    });
  } finally {
    stop.dispose();
    progress.clear();
    await pool?.close();
  }

  const result = summarize(
    {
      suite: 'tabletop',
      split,
      seed,
      episodesPerTemplate: perTemplate,
      ...(templates ? { templates } : {}),
      llm,
      model: label,
      rounds,
      samples,
      verifier,
      ...(verifier === 'model' ? { verifierModel: (verifierModel ?? shared)!.label } : {}),
      startedAt,
    },
    run.results,
    { planned: episodes.length, interrupted: run.interrupted, wallMs: run.wallMs },
  );
  process.stdout.write((json ? JSON.stringify(result, null, 2) : benchTable(result)) + '\n');
  if (reportPath) {
    writeFileSync(reportPath, benchHtml(result));
    process.stderr.write(`Report: ${reportPath}\n`);
  }
  return run.interrupted ? 130 : 0;
}

/** One line per finished episode on standard error; on a terminal, also a live line for the running one. */
class Progress {
  private readonly tty = Boolean(process.stderr.isTTY);
  private readonly width: number;
  private live = false;
  private ok = 0;

  constructor(private readonly total: number) {
    this.width = String(total).length;
  }

  private counter(i: number): string {
    return `[${String(i + 1).padStart(this.width)}/${this.total}]`;
  }

  start(ep: Episode, i: number): void {
    if (!this.tty) return;
    process.stderr.write(`\r\x1b[K${this.counter(i)} running ${ep.id}: ${ep.instruction}`.slice(0, (process.stderr.columns || 100) - 1));
    this.live = true;
  }

  done(r: import('../bench/results.ts').EpisodeResult, i: number): void {
    this.clear();
    if (r.success) this.ok++;
    // A late model reply says which setting controls the wait.
    const mark = r.success ? '✓' : `✗ ${r.failure}${r.error?.kind === 'timeout' ? ` (${r.error.message})` : ''}`;
    const rounds = `${r.rounds} round${r.rounds === 1 ? '' : 's'}, ${r.requests} request${r.requests === 1 ? '' : 's'}`;
    process.stderr.write(`${this.counter(i)} ${r.id} ${mark} (${rounds}, ${(r.wallMs / 1000).toFixed(1)} s) — ${this.ok}/${i + 1} so far\n`);
  }

  clear(): void {
    if (this.live) process.stderr.write('\r\x1b[K');
    this.live = false;
  }
}
