import type { ClientMessage, ServerMessage } from '../protocol.ts';
import { el } from './dom.ts';
import { programBlock } from './highlight.ts';

// wand serve --approve: the person sees exactly the program that would move the robot and how its rehearsal
// went, and the robot moves only on "Run on the robot". A panel of its own rather than window.confirm, which
// would block the page (and with it the state stream and the e-stop); the e-stop stays above it.

type ApprovalMessage = Extract<ServerMessage, { type: 'approval' }>;

export class ApprovalPanel {
  readonly root: HTMLElement;
  private readonly program: HTMLElement;
  private readonly title: HTMLElement;
  private readonly rehearsal: HTMLElement;
  private readonly yes: HTMLButtonElement;
  private readonly no: HTMLButtonElement;
  private job: number | null = null;

  constructor(private readonly send: (msg: ClientMessage) => void) {
    this.title = el('h2');
    this.rehearsal = el('div', { class: 'approval-rehearsal' });
    this.program = el('div', { class: 'approval-program' });
    this.yes = el('button', { class: 'approve-yes', text: 'Run on the robot', attrs: { type: 'button' } });
    this.no = el('button', { class: 'approve-no', text: 'Cancel', title: 'leave the robot still', attrs: { type: 'button' } });
    this.yes.addEventListener('click', () => this.answer(true));
    this.no.addEventListener('click', () => this.answer(false));
    this.root = el(
      'section',
      { class: 'approval', attrs: { role: 'dialog', 'aria-label': 'approve the program' } },
      this.title,
      this.rehearsal,
      this.program,
      el('div', { class: 'approval-buttons' }, this.no, this.yes),
    );
    this.root.hidden = true;
  }

  show(msg: ApprovalMessage): void {
    this.job = msg.job;
    this.title.textContent = `Run this program on the ${msg.target}?`;
    const stubbed = msg.rehearsal?.notSimulated ? `; not simulated: ${msg.rehearsal.notSimulated.join(', ')}` : '';
    const unseen = msg.unrehearsed ? ` — NOT REHEARSED: ${msg.unrehearsed.join(', ')} move${msg.unrehearsed.length === 1 ? 's' : ''} the robot in ways the simulator cannot show` : '';
    this.rehearsal.textContent =
      (msg.rehearsal
        ? `✓ Rehearsal passed (${msg.rehearsal.calls} call${msg.rehearsal.calls === 1 ? '' : 's'}, ${msg.rehearsal.simTimeS.toFixed(1)} s simulated${stubbed})`
        : 'No rehearsal in the simulator (--no-rehearse)') + unseen;
    this.rehearsal.classList.toggle('none', !msg.rehearsal);
    this.program.replaceChildren(programBlock(msg.source));
    this.root.hidden = false;
    // Focus on the safe answer: a stray Enter leaves the robot still.
    this.no.focus();
  }

  /** The job ended (or the page lost its server): the question is gone with it. */
  hide(job?: number): void {
    if (job !== undefined && job !== this.job) return;
    this.job = null;
    this.root.hidden = true;
  }

  private answer(yes: boolean): void {
    if (this.job === null) return;
    this.send({ type: 'approve', job: this.job, yes });
    this.hide();
  }
}
