import { WandError, toErrorInfo, type ErrorInfo } from '../core/errors.ts';
import { previewText } from '../core/preview.ts';
import { decodeCallArgs } from './call-args.ts';
import { relayCallError } from './call-errors.ts';
import { outcomeToError, timeoutError } from './guest-errors.ts';
import type { SandboxLimits } from './limits.ts';
import { PROGRAM_FILE } from './program-source.ts';
import type { GuestOutcome, WorkerMessage } from './protocol.ts';
import type { GuestCall, RunOptions, SandboxResult } from './run-types.ts';
import { releaseWorker, type GuestWorker } from './worker-pool.ts';

// After the host decides to stop a run, the guest gets this long to unwind before its thread is killed.
const STOP_GRACE_MS = 250;
const MAX_ERROR_CHARS = 4_000;
// A worker takes ~0.1 s to set a run up, seconds on a busy machine; one that never starts the program is broken.
const STARTUP_LIMIT_MS = 60_000;

const startupError = (): ErrorInfo => ({ kind: 'runtime', message: `the sandbox did not start the program within ${STARTUP_LIMIT_MS / 1000} s` });

let nextRunId = 1;

export function abortError(signal: AbortSignal): ErrorInfo {
  return signal.reason instanceof WandError ? signal.reason.toInfo() : { kind: 'aborted', message: 'the program was stopped' };
}

interface PendingCall {
  name: string;
  line?: number;
  controller: AbortController;
}

/** Host side of one run: answers the guest's primitive calls and enforces the wall clock and aborts. */
export class SandboxRun {
  readonly result: Promise<SandboxResult>;
  private resolve!: (result: SandboxResult) => void;
  private readonly runId = nextRunId++;
  private readonly allowed: Set<string>;
  private calls = 0;
  private pending: PendingCall | null = null;
  private stop: ErrorInfo | null = null;
  private finished = false;
  private timer: NodeJS.Timeout;
  private backstop: NodeJS.Timeout | undefined;
  private readonly onAbort = () => this.halt(abortError(this.opts.signal!));

  constructor(
    private readonly worker: GuestWorker,
    private readonly opts: RunOptions,
    private readonly run: { aliases: Record<string, string>; limits: SandboxLimits; code: string },
  ) {
    this.result = new Promise((resolve) => (this.resolve = resolve));
    this.allowed = new Set([...opts.globals, ...Object.values(run.aliases)]);
    // Until the guest says it started, only a stuck worker is guarded against; then the program's own budget runs.
    this.timer = setTimeout(() => this.halt(startupError()), STARTUP_LIMIT_MS);
    opts.signal?.addEventListener('abort', this.onAbort, { once: true });
    worker.start(
      {
        type: 'run',
        runId: this.runId,
        code: run.code,
        prelude: opts.prelude,
        globals: opts.globals,
        aliases: run.aliases,
        programFile: PROGRAM_FILE,
        limits: run.limits,
      },
      { onMessage: (msg) => this.onMessage(msg), onExit: (reason) => this.onExit(reason) },
    );
  }

  private onMessage(msg: WorkerMessage): void {
    if (msg.type === 'ready' || msg.runId !== this.runId) return;
    if (msg.type === 'started') this.startClock();
    else if (msg.type === 'call') this.onGuestCall(msg.name, msg.args, msg.line);
    else this.onDone(msg.outcome);
  }

  /** The guest checks the same budget itself; this timer also covers time spent inside primitives. */
  private startClock(): void {
    if (this.stop || this.finished) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.halt(timeoutError(this.run.limits.timeoutMs)), this.run.limits.timeoutMs);
  }

  private onGuestCall(name: string, argsJson: string, line: number | undefined): void {
    // Every call gets exactly one reply, or the guest thread would block forever.
    if (this.stop) return this.worker.reply({ type: 'stop' });
    if (!this.allowed.has(name)) {
      this.halt({ kind: 'runtime', message: `${name} is not a primitive`, ...(line !== undefined && { line }) });
      return this.worker.reply({ type: 'stop' });
    }
    const { maxCalls } = this.run.limits;
    if (this.calls >= maxCalls) {
      this.halt({
        kind: 'runtime',
        message: `the program made more than ${maxCalls} primitive calls; is it stuck in a loop?`,
        primitive: name,
        ...(line !== undefined && { line }),
      });
      return this.worker.reply({ type: 'stop' });
    }
    this.calls++;
    const pending: PendingCall = { name, line, controller: new AbortController() };
    this.pending = pending;
    const decoded = decodeCallArgs(name, argsJson, this.run.limits);
    const call: GuestCall = decoded.ok ? { name, args: decoded.args, chars: decoded.chars } : { name, args: [], refused: decoded.refusal };
    if (line !== undefined) call.line = line;
    let answer: Promise<unknown>;
    try {
      answer = Promise.resolve(this.opts.onCall(call, pending.controller.signal));
    } catch (err) {
      answer = Promise.reject(err);
    }
    answer.then(
      (value) => this.answer(pending, value),
      (err: unknown) => this.fail(pending, err),
    );
  }

  private answer(pending: PendingCall, value: unknown): void {
    if (this.pending !== pending) return; // already answered with 'stop'
    this.pending = null;
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch (err) {
      const message = `${pending.name} returned a value that is not JSON (${toErrorInfo(err).message})`;
      return this.worker.reply({ type: 'error', message, kind: 'runtime', primitive: pending.name });
    }
    this.worker.reply({ type: 'value', json });
  }

  private fail(pending: PendingCall, err: unknown): void {
    if (this.pending !== pending) return;
    const relayed = relayCallError(err, pending.name, pending.line);
    if (relayed.fatal) return this.halt(relayed.info);
    this.pending = null;
    const { kind, message, primitive } = relayed;
    this.worker.reply({ type: 'error', kind, message, primitive });
  }

  /** End the run from the host side: the guest cannot catch this, and it gets a short grace to unwind. */
  private halt(info: ErrorInfo): void {
    if (this.stop || this.finished) return;
    const pending = this.pending;
    if (pending) {
      info = { ...info };
      if (info.line === undefined && pending.line !== undefined) info.line = pending.line;
      info.primitive ??= pending.name;
    }
    this.stop = info;
    clearTimeout(this.timer);
    this.worker.requestStop();
    if (pending) {
      this.pending = null;
      pending.controller.abort(new WandError(info.kind, info.message, { primitive: pending.name, line: pending.line }));
      this.worker.reply({ type: 'stop' });
    }
    this.backstop = setTimeout(() => {
      this.worker.terminate();
      this.settle(this.stop);
    }, STOP_GRACE_MS);
  }

  private onDone(outcome: GuestOutcome): void {
    if (this.finished) return;
    const error = outcomeToError(outcome, { stop: this.stop, source: this.opts.code, limits: this.run.limits });
    this.settle(error);
    releaseWorker(this.worker);
  }

  private onExit(reason: unknown): void {
    if (!this.finished) {
      const code = (reason as { code?: string } | null)?.code;
      const crash: ErrorInfo =
        code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? { kind: 'memory', message: 'the program ran out of memory (sandbox worker heap)' }
          : { kind: 'runtime', message: `the sandbox crashed: ${toErrorInfo(reason).message}` };
      this.settle(this.stop ?? crash);
    }
  }

  private settle(error: ErrorInfo | null): void {
    if (this.finished) return;
    this.finished = true;
    // Whatever the program threw, its message goes into results, prompts and transcripts: keep it a message.
    if (error && error.message.length > MAX_ERROR_CHARS) error = { ...error, message: previewText(error.message, MAX_ERROR_CHARS) };
    clearTimeout(this.timer);
    clearTimeout(this.backstop);
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    this.worker.finish();
    this.resolve({ ok: error === null, error, calls: this.calls });
  }
}
