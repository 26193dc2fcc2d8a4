import type { BenchResult, Stats } from './results.ts';

// The bench result as a plain-text table for the terminal.

const pct = (s: Stats) => `${s.successes}/${s.episodes} ${String(Math.round(s.successRate * 100)).padStart(3)}%`;
const num = (v: number | null, digits = 1) => (v === null ? '-' : v.toFixed(digits));
const thousands = (v: number) => Math.round(v).toLocaleString('en-US');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

export function headline(r: BenchResult): string {
  const per = r.episodesPerTemplate === 1 ? '1 episode' : `${r.episodesPerTemplate} episodes`;
  const samples = r.samples > 1 ? `, ${r.samples} candidates per round tried in simulation` : '';
  return (
    `Tabletop suite, split ${r.split}, seed ${r.seed}, ${per} per template and attribute split` +
    `\nModel: ${r.model}; ${r.rounds} round${r.rounds === 1 ? '' : 's'}${samples}; verifier: ${r.verifier === 'predicate' ? 'the success predicate' : r.verifierModel ?? 'the model'}`
  );
}

export function benchTable(r: BenchResult): string {
  const headers = ['Template', 'Seen', 'Unseen', 'Rounds', 'Requests', 'Tokens', 'Wall'];
  if (r.samples > 1) headers.splice(6, 0, 'Tried');
  // Only a model can call a task done that is not: its false "done" verdicts, per template.
  const verified = r.verifier === 'model';
  if (verified) headers.push('False done');
  const row = (name: string, seen: Stats | null, unseen: Stats | null, all: Stats) => {
    const cells = [
      name,
      seen ? pct(seen) : '',
      unseen ? pct(unseen) : '',
      num(all.meanRoundsToSuccess),
      num(all.requestsPerEpisode),
      thousands(all.promptTokensPerEpisode + all.completionTokensPerEpisode),
      seconds(all.wallMsPerEpisode),
    ];
    if (r.samples > 1) cells.splice(6, 0, num(all.candidatesPerEpisode));
    if (verified) cells.push(String(all.falseDone));
    return cells;
  };
  const rows = r.byTemplate.map((t) => row(`${t.template}${t.templateSplit === 'unseen' ? ' *' : ''}`, t.seen, t.unseen, t.all));
  const total = row('All', r.bySplit.seen, r.bySplit.unseen, r.summary);
  const widths = headers.map((h, i) => Math.max(h.length, ...[...rows, total].map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');

  const out = [headline(r), '', line(headers), rule, ...rows.map(line), rule, line(total)];
  out.push('', '* unseen instruction template. Rounds: mean rounds to success; Requests, Tokens (prompt + completion) and Wall: per episode.');
  if (verified) out.push(`False done: episodes the verifier called done that the predicate rejects (goal: none; here ${r.summary.falseDone}).`);
  if (r.failures.length) {
    out.push('', 'Failures by kind:');
    for (const f of r.failures) {
      const shown = f.episodes.slice(0, 3).join(', ') + (f.episodes.length > 3 ? `, +${f.episodes.length - 3} more` : '');
      out.push(`  ${f.kind.padEnd(16)} ${String(f.count).padStart(3)}  (${shown})`);
    }
  } else if (r.finished) out.push('', 'No failures.');
  const done = r.interrupted ? `Interrupted: ${r.finished} of ${r.planned} episodes finished` : `${r.finished} episodes`;
  out.push('', `${done} in ${duration(r.wallMs)} (${r.summary.episodesPerMinute.toFixed(1)} episodes/min).`);
  return out.join('\n');
}
