import type { ErrorInfo } from '../../core/errors.ts';
import type { CallRecord, RunEvent, RunSummary, ServerMessage } from '../protocol.ts';
import { cm } from '../../../primitives/tabletop/vocabulary.ts';
import { el } from './dom.ts';
import { programBlock } from './highlight.ts';

// The log of what happened: one card per instruction or editor run, and within an instruction one block
// per round (a tool the model defined, the program, the checks' diagnostics, the calls as they execute,
// output and say() messages, the verifier's verdict), with the skills offered before the rounds and those
// used or stored after them. Old cards are dropped so a long session does not grow the page without bound.

const MAX_CARDS = 30;
const MAX_LINES_PER_BLOCK = 400;

interface Card {
  root: HTMLElement;
  badge: HTMLElement;
  body: HTMLElement;
  rounds: Map<number, HTMLElement>;
  pendingCall: HTMLElement | null;
  lines: number;
  /** The last run's result is on the card already, so the job's end need not repeat its error. */
  resultShown: boolean;
  /** The last result's error line, so a job ending with that same error (not approved, e-stop) shows it once. */
  lastError: string | null;
}

const fmtArgs = (args: unknown[]) => args.map((a) => JSON.stringify(a)).join(', ');
const errorText = (e: ErrorInfo) => `${e.kind}: ${e.message}${e.line ? ` (line ${e.line})` : ''}`;
/** A robot program's simulator rehearsal runs first, in the same block: each of its lines says so. */
const REHEARSAL_TAG = '[rehearsal] ';

export class Rounds {
  readonly root: HTMLElement;
  private readonly list: HTMLElement;
  private readonly cards = new Map<number, Card>();
  /** Called with a program the person wants to edit (from a round's "edit" button). */
  onEdit: ((source: string) => void) | null = null;

  constructor() {
    this.list = el('div', { class: 'cards', attrs: { 'aria-live': 'polite' } });
    this.root = el('section', { class: 'rounds' }, this.list);
    this.note('Type an instruction above, or write a program below and run it.');
  }

  /** A line from the page itself (connection, errors replied to a message). */
  note(text: string, kind: 'info' | 'error' = 'info'): void {
    this.list.append(el('div', { class: `note ${kind}`, text }));
    this.trim();
    this.scroll();
  }

  handle(msg: ServerMessage): void {
    if (msg.type === 'job') return this.openCard(msg.job, msg.kind === 'ask' ? msg.instruction : 'Program from the editor', msg.kind, msg.kind === 'run' ? msg.source : undefined);
    if (!('job' in msg) || msg.job === null) return;
    const card = this.cards.get(msg.job as number);
    if (!card) return;
    if (msg.type !== 'waiting') this.setWaiting(card, null, '');
    switch (msg.type) {
      case 'round':
        this.openRound(card, msg.round);
        break;
      case 'waiting': {
        const what = { program: 'asking the model for a program', helper: 'asking the model for a missing helper', verify: 'asking the model whether the task is done' }[msg.purpose];
        this.setWaiting(card, this.block(card, msg.round), `${what}…`);
        break;
      }
      case 'note':
        this.line(card, msg.round, el('div', { class: 'note', text: msg.text }));
        break;
      case 'tool': {
        // CREATOR's creation step, shown on its own before the program that calls the tool.
        const code = programBlock(msg.code);
        code.classList.add('tool');
        this.block(card, msg.round).append(el('div', { class: 'label tool', text: `Tool defined: ${msg.signature}${msg.description ? ` — ${msg.description}` : ''}` }), code);
        break;
      }
      case 'program': {
        const block = this.block(card, msg.round);
        const edit = el('button', { class: 'small', text: 'edit', title: 'copy into the editor', attrs: { type: 'button' } });
        edit.addEventListener('click', () => this.onEdit?.(msg.source));
        block.append(el('div', { class: 'label' }, 'Program ', edit), programBlock(msg.source));
        break;
      }
      case 'check': {
        const block = this.block(card, msg.round);
        if (msg.ok) block.append(el('div', { class: 'check ok', text: '✓ checks passed' }));
        else {
          block.append(el('div', { class: 'check fail', text: '✗ checks failed; nothing moved' }));
          for (const d of msg.diagnostics) block.append(el('div', { class: 'diagnostic', text: d }));
        }
        break;
      }
      case 'run':
        this.runEvent(card, msg.round, msg.event, msg.rehearsal === true);
        break;
      case 'result':
        this.result(card, msg.round, msg.result);
        break;
      case 'skills':
        for (const text of msg.lines) card.body.append(el('div', { class: 'skills', text }));
        break;
      case 'approval':
        // The question itself is the approval panel; the card says what the program waits for.
        this.setWaiting(card, card.body, 'waiting for your approval before the robot moves…');
        break;
      case 'verdict':
        this.block(card, msg.round).append(
          el('div', { class: `verdict ${msg.done ? 'ok' : 'fail'}`, text: `${msg.done ? '✓ done' : '✗ not done'}${msg.critique ? `: ${msg.critique}` : ''}` }),
        );
        break;
      case 'jobEnd': {
        card.root.classList.remove('running');
        card.root.classList.add(msg.ok ? 'ok' : 'failed');
        card.badge.textContent = msg.ok ? 'done' : msg.error?.kind === 'aborted' ? 'stopped' : 'failed';
        // The result on the card already shows its error; a stop can come later (while asking the model), so
        // it is shown unless it is that result's own (not approved, the e-stop during the run).
        const error = msg.error ? errorText(msg.error) : null;
        const shown = card.resultShown && (msg.error?.kind !== 'aborted' || error === card.lastError);
        if (error && !shown) card.body.append(el('div', { class: 'error', text: error }));
        if (msg.message) card.body.append(el('div', { class: 'note', text: msg.message }));
        break;
      }
    }
    this.scroll();
  }

  /** One transient "waiting for the model" line per card, removed by whatever comes next. */
  private setWaiting(card: Card, block: HTMLElement | null, text: string): void {
    card.root.querySelector('.waiting')?.remove();
    if (block) block.append(el('div', { class: 'waiting', text }));
  }

  private openCard(job: number, title: string, kind: string, source?: string): void {
    const badge = el('span', { class: 'badge', text: 'running' });
    const body = el('div', { class: 'card-body' });
    const root = el('article', { class: `card running ${kind}`, attrs: { 'data-job': String(job) } }, el('header', {}, el('span', { class: 'title', text: title }), badge), body);
    if (source !== undefined) body.append(programBlock(source));
    const card: Card = { root, badge, body, rounds: new Map(), pendingCall: null, lines: 0, resultShown: false, lastError: null };
    this.cards.set(job, card);
    this.list.append(root);
    this.trim();
  }

  private openRound(card: Card, round: number): HTMLElement {
    const block = el('div', { class: 'round', attrs: { 'data-round': String(round) } }, el('div', { class: 'round-title', text: `Round ${round}` }));
    card.rounds.set(round, block);
    card.body.append(block);
    return block;
  }

  private block(card: Card, round: number | undefined): HTMLElement {
    if (round === undefined) return card.body;
    return card.rounds.get(round) ?? this.openRound(card, round);
  }

  private line(card: Card, round: number | undefined, node: HTMLElement): void {
    if (++card.lines > MAX_LINES_PER_BLOCK) return;
    this.block(card, round).append(node);
  }

  private runEvent(card: Card, round: number | undefined, event: RunEvent, rehearsal: boolean): void {
    const tag = rehearsal ? REHEARSAL_TAG : '';
    const kind = rehearsal ? ' rehearsal' : '';
    if (event.type === 'call') {
      const where = event.line !== undefined ? `line ${event.line}: ` : '';
      const node = el('div', { class: `call pending${kind}`, text: `… ${tag}${where}${event.primitive}(${fmtArgs(event.args)})` });
      card.pendingCall = node;
      this.line(card, round, node);
    } else if (event.type === 'callEnd') {
      this.endCall(card, event.record, rehearsal);
    } else if (event.type === 'output') {
      this.line(card, round, el('div', { class: `output${kind}`, text: `${tag}${event.text}` }));
    } else if (event.type === 'say') {
      this.line(card, round, el('div', { class: `say${kind}`, text: `💬 ${tag}${event.text}` }));
    } else if (event.type === 'progress') {
      this.line(card, round, el('div', { class: `output${kind}`, text: `${tag}… ${event.primitive}: ${event.text}` }));
    } else if (event.type === 'note') {
      // Said before the arm moves (a crowded target): a fact, not a failure.
      this.line(card, round, el('div', { class: `note${kind}`, text: `${tag}${event.text}` }));
    }
  }

  private endCall(card: Card, record: CallRecord, rehearsal: boolean): void {
    const node = card.pendingCall;
    if (!node) return;
    card.pendingCall = null;
    const where = record.line !== undefined ? `line ${record.line}: ` : '';
    node.className = `call ${record.ok ? 'ok' : 'fail'}${rehearsal ? ' rehearsal' : ''}`;
    const pushed = (record.pushed ?? []).map((p) => `pushed the ${p.object} ${cm(p.distance)}`);
    const facts = pushed.length ? ` (${pushed.join('; ')})` : '';
    node.textContent = `${record.ok ? '✓' : '✗'} ${rehearsal ? REHEARSAL_TAG : ''}${where}${record.primitive}(${fmtArgs(record.args)})  ${record.ms.toFixed(0)} ms${facts}${record.ok ? '' : ` — ${record.error ?? ''}`}`;
  }

  private result(card: Card, round: number | undefined, result: RunSummary): void {
    const text = result.ok
      ? `completed: ${result.calls.length} calls, ${result.simTimeS.toFixed(2)} s simulated, ${result.wallTimeMs} ms`
      : result.error ? errorText(result.error) : 'error';
    card.resultShown = true;
    card.lastError = result.ok ? null : text;
    this.block(card, round).append(el('div', { class: `result ${result.ok ? 'ok' : 'fail'}`, text }));
  }

  private trim(): void {
    while (this.list.children.length > MAX_CARDS) {
      const first = this.list.firstElementChild as HTMLElement;
      const job = first.dataset.job;
      if (job) this.cards.delete(Number(job));
      first.remove();
    }
  }

  private scroll(): void {
    this.root.scrollTop = this.root.scrollHeight;
  }
}
