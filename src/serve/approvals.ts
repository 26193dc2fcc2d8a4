import { WandError } from '../core/errors.ts';
import type { ApprovalRequest, Approve } from '../run/execute.ts';
import type { ServerMessage } from './protocol.ts';

// wand serve --approve: a robot program that passed its rehearsal waits here until the person answers on
// the page. Each tab has its own Approvals, so only the tab that started a job can answer for it. A tab runs
// one job at a time, so at most one question is open; whatever ends the wait other than a yes (the e-stop,
// the tab closing, the job's abort, a newer question) is a no, so no program is ever left waiting.

type ApprovalMessage = Extract<ServerMessage, { type: 'approval' }>;

interface Pending {
  job: number;
  settle(yes: boolean): void;
}

export class Approvals {
  private pending: Pending | null = null;

  constructor(private readonly send: (msg: ApprovalMessage) => void) {}

  /** The approver for one job's programs (an ask job asks once per round); `jobSignal` is the job's abort. */
  forJob(job: number, jobSignal: AbortSignal): Approve {
    return (request, signal) => this.request(job, request, signal ? AbortSignal.any([signal, jobSignal]) : jobSignal);
  }

  /** The page's answer; an answer for a job that is not waiting is a mistake the page is told about. */
  answer(job: number, yes: boolean): void {
    const pending = this.pending;
    if (pending?.job !== job) throw new WandError('usage', `job ${job} is not waiting for approval`);
    pending.settle(yes);
  }

  /** Nobody will answer (e-stop, tab gone, a new job): the waiting program does not run. */
  cancel(): void {
    this.pending?.settle(false);
  }

  private request(job: number, { source, target, rehearsal, unrehearsed }: ApprovalRequest, signal: AbortSignal): Promise<boolean> {
    this.cancel();
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const pending: Pending = {
        job,
        settle: (yes) => {
          if (this.pending === pending) this.pending = null;
          signal.removeEventListener('abort', onAbort);
          resolve(yes);
        },
      };
      const onAbort = () => pending.settle(false);
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending = pending;
      const summary = rehearsal && { calls: rehearsal.calls, simTimeS: rehearsal.simTimeS, ...(rehearsal.notSimulated && { notSimulated: rehearsal.notSimulated }) };
      this.send({ type: 'approval', job, source, target, ...(summary && { rehearsal: summary }), ...(unrehearsed && { unrehearsed }) });
    });
  }
}
