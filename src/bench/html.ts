import type { BenchResult, EpisodeResult, Stats } from './results.ts';
import { duration, headline } from './table.ts';

// The bench result as one self-contained HTML file: inline CSS and inline SVG charts, no scripts, no
// network, so it can be mailed, attached to an issue or opened from disk years later.

const esc = (s: unknown) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const pct = (v: number) => `${Math.round(v * 100)}%`;
const rate = (s: Stats | null) => (s ? `${s.successes}/${s.episodes} (${pct(s.successRate)})` : '–');

interface Segment {
  value: number;
  cls: string;
}
interface Bar {
  segments: Segment[];
  text: string;
}
interface Group {
  label: string;
  bars: Bar[];
}

const LABEL_W = 270;
const BAR_AREA = 380;
const TEXT_W = 150;
const BAR_H = 14;
const GAP = 3;
const GROUP_GAP = 9;

/** Horizontal bars: one row per group, one bar per series, stacked segments within a bar. */
function barChart(title: string, groups: Group[], max: number, legend: { cls: string; label: string }[] = []): string {
  if (!groups.length) return '';
  const scale = (v: number) => (max > 0 ? (v / max) * BAR_AREA : 0);
  let y = legend.length ? 22 : 4;
  const parts: string[] = [];
  legend.forEach((l, i) => {
    const x = LABEL_W + i * 120;
    parts.push(`<rect class="${l.cls}" x="${x}" y="4" width="12" height="12" rx="2"/><text x="${x + 17}" y="14">${esc(l.label)}</text>`);
  });
  for (const g of groups) {
    const h = g.bars.length * (BAR_H + GAP) - GAP;
    parts.push(`<text class="label" x="${LABEL_W - 8}" y="${y + h / 2 + 4}" text-anchor="end">${esc(g.label)}</text>`);
    for (const bar of g.bars) {
      let x = LABEL_W;
      parts.push(`<rect class="track" x="${LABEL_W}" y="${y}" width="${BAR_AREA}" height="${BAR_H}" rx="2"/>`);
      for (const s of bar.segments) {
        const w = scale(s.value);
        if (w > 0) parts.push(`<rect class="${s.cls}" x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" rx="2"/>`);
        x += w;
      }
      parts.push(`<text x="${LABEL_W + BAR_AREA + 6}" y="${y + BAR_H - 3}">${esc(bar.text)}</text>`);
      y += BAR_H + GAP;
    }
    y += GROUP_GAP - GAP;
  }
  const height = y + 4;
  const width = LABEL_W + BAR_AREA + TEXT_W;
  return `<figure><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}">${parts.join('')}</svg></figure>`;
}

const rateBar = (s: Stats | null, cls: string): Bar[] => (s ? [{ segments: [{ value: s.successRate, cls }], text: rate(s) }] : []);

function charts(r: BenchResult): string {
  const out: string[] = [];
  out.push(
    barChart(
      'Success rate by template',
      r.byTemplate.map((t) => ({ label: t.template + (t.templateSplit === 'unseen' ? ' *' : ''), bars: [...rateBar(t.seen, 'seen'), ...rateBar(t.unseen, 'unseen')] })),
      1,
      [
        { cls: 'seen', label: 'seen' },
        { cls: 'unseen', label: 'unseen' },
      ],
    ),
  );
  out.push(
    barChart(
      'Success rate by split',
      [
        { label: 'seen', bars: rateBar(r.bySplit.seen, 'seen') },
        { label: 'unseen', bars: rateBar(r.bySplit.unseen, 'unseen') },
        { label: 'all', bars: rateBar(r.summary, 'all') },
      ].filter((g) => g.bars.length),
      1,
    ),
  );
  const failed = r.episodes.filter((e) => !e.success).length;
  const rounds = [...Array(r.rounds).keys()].map((i) => i + 1);
  const roundGroups = rounds.map((n) => ({ label: `${n} round${n === 1 ? '' : 's'}`, count: r.roundsToSuccess[n] ?? 0, cls: 'all' }));
  roundGroups.push({ label: 'not done', count: failed, cls: 'fail' });
  const maxRounds = Math.max(1, ...roundGroups.map((g) => g.count));
  out.push(
    barChart(
      'Rounds to success (episodes)',
      roundGroups.map((g) => ({ label: g.label, bars: [{ segments: [{ value: g.count, cls: g.cls }], text: String(g.count) }] })),
      maxRounds,
    ),
  );
  const maxTokens = Math.max(1, ...r.byTemplate.map((t) => t.all.promptTokensPerEpisode + t.all.completionTokensPerEpisode));
  out.push(
    barChart(
      'Tokens per episode by template',
      r.byTemplate.map((t) => ({
        label: t.template,
        bars: [
          {
            segments: [
              { value: t.all.promptTokensPerEpisode, cls: 'prompt' },
              { value: t.all.completionTokensPerEpisode, cls: 'completion' },
            ],
            text: `${t.all.promptTokensPerEpisode.toLocaleString('en-US')} + ${t.all.completionTokensPerEpisode.toLocaleString('en-US')}`,
          },
        ],
      })),
      maxTokens,
      [
        { cls: 'prompt', label: 'prompt' },
        { cls: 'completion', label: 'completion' },
      ],
    ),
  );
  const maxRequests = Math.max(1, ...r.byTemplate.map((t) => t.all.requestsPerEpisode));
  out.push(
    barChart(
      'Model requests per episode by template',
      r.byTemplate.map((t) => ({ label: t.template, bars: [{ segments: [{ value: t.all.requestsPerEpisode, cls: 'all' }], text: t.all.requestsPerEpisode.toFixed(1) }] })),
      maxRequests,
    ),
  );
  if (r.failures.length) {
    const maxFail = Math.max(...r.failures.map((f) => f.count));
    out.push(
      barChart(
        'Failed episodes by error kind',
        r.failures.map((f) => ({ label: f.kind, bars: [{ segments: [{ value: f.count, cls: 'fail' }], text: String(f.count) }] })),
        maxFail,
      ),
    );
  }
  return out.join('\n');
}

function templateTable(r: BenchResult): string {
  const tried = r.samples > 1;
  const rows = r.byTemplate.map(
    (t) => `<tr><td><code>${esc(t.template)}</code>${t.templateSplit === 'unseen' ? ' *' : ''}</td><td>${rate(t.seen)}</td><td>${rate(t.unseen)}</td>` +
      `<td>${t.all.meanRoundsToSuccess?.toFixed(1) ?? '–'}</td><td>${t.all.requestsPerEpisode.toFixed(1)}</td>` +
      `<td>${(t.all.promptTokensPerEpisode + t.all.completionTokensPerEpisode).toLocaleString('en-US')}</td>` +
      (tried ? `<td>${t.all.candidatesPerEpisode.toFixed(1)}</td>` : '') +
      `<td>${(t.all.wallMsPerEpisode / 1000).toFixed(1)} s</td><td class="what">${esc(t.success)}</td></tr>`,
  );
  const s = r.summary;
  rows.push(
    `<tr class="total"><td>All</td><td>${rate(r.bySplit.seen)}</td><td>${rate(r.bySplit.unseen)}</td><td>${s.meanRoundsToSuccess?.toFixed(1) ?? '–'}</td>` +
      `<td>${s.requestsPerEpisode.toFixed(1)}</td><td>${(s.promptTokensPerEpisode + s.completionTokensPerEpisode).toLocaleString('en-US')}</td>` +
      (tried ? `<td>${s.candidatesPerEpisode.toFixed(1)}</td>` : '') +
      `<td>${(s.wallMsPerEpisode / 1000).toFixed(1)} s</td><td></td></tr>`,
  );
  return `<table><thead><tr><th>Template</th><th>Seen</th><th>Unseen</th><th>Rounds to success</th><th>Requests / episode</th><th>Tokens / episode</th>${tried ? '<th>Candidates tried / episode</th>' : ''}<th>Wall / episode</th><th>Success means</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function episodeRow(e: EpisodeResult): string {
  const status = e.success ? '<span class="ok">✓</span>' : `<span class="bad">✗ ${esc(e.failure)}</span>`;
  return (
    `<tr><td><code>${esc(e.id)}</code></td><td>${esc(e.instruction)}</td><td>${status}</td><td>${e.rounds}</td><td>${e.requests}</td>` +
    `<td>${(e.promptTokens + e.completionTokens).toLocaleString('en-US')}</td><td>${(e.wallMs / 1000).toFixed(1)} s</td>` +
    `<td><details><summary>${esc(e.success ? 'predicate holds' : e.reason)}</summary><pre>${esc(e.summary.join('\n') || '(no rounds)')}</pre></details></td></tr>`
  );
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2430;margin:2rem auto;max-width:1120px;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:2rem 0 .6rem;border-bottom:1px solid #e3e6eb;padding-bottom:.2rem}
.meta{color:#566070;white-space:pre-line}.warn{background:#fff4d6;border:1px solid #e8c766;padding:.5rem .8rem;border-radius:6px}
.cards{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}.card{border:1px solid #e3e6eb;border-radius:8px;padding:.6rem 1rem;min-width:9rem}
.card b{display:block;font-size:1.4rem}.card span{color:#566070;font-size:.85rem}
figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.3rem}svg text{font-size:12px;fill:#1d2430}
svg .track{fill:#f1f3f6}.seen{fill:#3b7dd8}.unseen{fill:#e08a2c}.all{fill:#4a9a6a}.fail{fill:#c8453c}.prompt{fill:#7a8fb3}.completion{fill:#2e4a7d}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid #e3e6eb;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f7f9;font-weight:600}tr.total td{font-weight:600;border-top:2px solid #c9ced6}td.what{color:#566070;font-size:.9em}
.ok{color:#2f7d4f;font-weight:600}.bad{color:#b3382f;font-weight:600}pre{white-space:pre-wrap;margin:.3rem 0;font-size:12px}
details summary{cursor:pointer;color:#566070}code{font-size:.92em}
`;

export function benchHtml(r: BenchResult): string {
  const s = r.summary;
  const cards = [
    ['success', `${pct(s.successRate)}`, `${s.successes} of ${s.episodes} episodes`],
    ['seen', r.bySplit.seen ? pct(r.bySplit.seen.successRate) : '–', 'seen attributes'],
    ['unseen', r.bySplit.unseen ? pct(r.bySplit.unseen.successRate) : '–', 'unseen templates or attributes'],
    ['rounds', s.meanRoundsToSuccess?.toFixed(2) ?? '–', 'mean rounds to success'],
    ['requests', s.requestsPerEpisode.toFixed(1), 'model requests per episode'],
    ['tokens', (s.promptTokensPerEpisode + s.completionTokensPerEpisode).toLocaleString('en-US'), 'tokens per episode'],
    ['speed', s.episodesPerMinute.toFixed(1), `episodes/min (${duration(r.wallMs)} in all)`],
  ];
  const failures = r.failures.length
    ? `<table><thead><tr><th>Kind</th><th>Episodes</th><th>Which</th></tr></thead><tbody>${r.failures
        .map((f) => `<tr><td><code>${esc(f.kind)}</code></td><td>${f.count}</td><td>${f.episodes.map((id) => `<code>${esc(id)}</code>`).join(', ')}</td></tr>`)
        .join('')}</tbody></table>`
    : '<p>No episode failed.</p>';
  const roundFailures = Object.entries(r.roundFailures);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Wand bench: ${esc(r.model)} — ${pct(s.successRate)} on tabletop (${esc(r.split)})</title>
<style>${CSS}</style></head><body>
<h1>Wand bench: tabletop suite</h1>
<p class="meta">${esc(headline(r))}
Started ${esc(r.startedAt)}; ${r.finished} of ${r.planned} episodes in ${esc(duration(r.wallMs))}.</p>
${r.interrupted ? `<p class="warn">Interrupted: these figures cover the ${r.finished} episodes finished before the run was stopped.</p>` : ''}
<div class="cards">${cards.map(([, v, label]) => `<div class="card"><b>${esc(v)}</b><span>${esc(label)}</span></div>`).join('')}</div>
<h2>Results</h2>
${charts(r)}
<h2>By template</h2>
${templateTable(r)}
<p class="meta">* unseen instruction template. Success is the template's predicate on the objects before and after the episode, whatever the model believed.</p>
<h2>Failures by error kind</h2>
${failures}
${roundFailures.length ? `<p class="meta">Failed rounds (including rounds of episodes that later succeeded): ${roundFailures.map(([k, n]) => `${esc(k)} ${n}`).join(', ')}.</p>` : ''}
<h2>Episodes</h2>
<table><thead><tr><th>Episode</th><th>Instruction</th><th>Result</th><th>Rounds</th><th>Requests</th><th>Tokens</th><th>Wall</th><th>Details</th></tr></thead>
<tbody>${r.episodes.map(episodeRow).join('')}</tbody></table>
</body></html>
`;
}
