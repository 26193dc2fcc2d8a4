import { Worker } from 'node:worker_threads';
import { WandError } from '../core/errors.ts';
import type { CheckJob, CheckerMessage } from './protocol.ts';

// The host side of the type-checker thread: one per process, shared by every checker (the language
// services in it stay warm across programs, instructions and tabs). Jobs run one at a time. A job that
// outlives its budget has its thread terminated and replaced, and the job answers `overBudget`; a job
// whose signal aborts answers at once, whatever the thread is doing, so Ctrl-C and the e-stop never
// wait for TypeScript.

type JobRequest = CheckJob extends infer J ? (J extends CheckJob ? Omit<J, 'id'> : never) : never;

/** A result; or the check ran past its budget; or the thread died on it (out of memory, say). */
export type JobOutcome<T> = { result: T } | { overBudget: true } | { crashed: string };

interface Job {
  id: number;
  request: JobRequest;
  budgetMs: number;
  /** Warm-ups do not keep the process alive. */
  background: boolean;
  signal?: AbortSignal;
  onAbort?: () => void;
  resolve(outcome: JobOutcome<unknown>): void;
  reject(err: unknown): void;
  /** The caller has its answer (aborted): the thread's eventual result is dropped. */
  settled: boolean;
}

const HEAP_MB = 1024;

class CheckerThread {
  private worker: Worker | null = null;
  /** The current thread has loaded and said so: a death after that is the job's doing, not a broken install. */
  private ready = false;
  private readonly queue: Job[] = [];
  private current: Job | null = null;
  private budget: NodeJS.Timeout | undefined;
  private nextId = 1;
  /** Threads started so far (a replaced one counts): for tests and the bench. */
  started = 0;

  run<T>(request: JobRequest, opts: { budgetMs: number; signal?: AbortSignal; background?: boolean }): Promise<JobOutcome<T>> {
    return new Promise<JobOutcome<T>>((resolve, reject) => {
      if (opts.signal?.aborted) return reject(abortReason(opts.signal));
      const job: Job = {
        id: this.nextId++,
        request,
        budgetMs: opts.budgetMs,
        background: opts.background ?? false,
        signal: opts.signal,
        resolve: resolve as Job['resolve'],
        reject,
        settled: false,
      };
      if (opts.signal) {
        job.onAbort = () => this.abandon(job, abortReason(opts.signal!));
        opts.signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  /** Starts the thread now (it loads TypeScript in the background) without a job. */
  prestart(): void {
    this.ensureWorker();
    this.updateRef();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    this.started++;
    this.ready = false;
    const worker = new Worker(new URL('./check-worker.js', import.meta.url), {
      // The entry registers tsx itself; the host's loaders (tsx, vitest's) must not be inherited.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: HEAP_MB },
    });
    worker.on('message', (m: CheckerMessage) => this.onMessage(worker, m));
    worker.on('error', (err) => this.onExit(worker, err.message));
    worker.on('exit', (code) => this.onExit(worker, `exit code ${code}`));
    this.worker = worker;
    return worker;
  }

  private pump(): void {
    while (!this.current && this.queue.length) {
      const job = this.queue.shift()!;
      if (job.settled) continue;
      this.current = job;
      this.ensureWorker().postMessage({ ...job.request, id: job.id } as CheckJob);
    }
    this.updateRef();
  }

  /** The thread keeps the process alive only while someone waits for a check. */
  private updateRef(): void {
    if (!this.worker) return;
    const waited = [this.current, ...this.queue].some((j) => j && !j.settled && !j.background);
    if (waited) this.worker.ref();
    else this.worker.unref();
  }

  private onMessage(worker: Worker, m: CheckerMessage): void {
    if (worker !== this.worker) return;
    if (m.type === 'ready') return void (this.ready = true);
    const job = this.current;
    if (!job || job.id !== m.id) return;
    if (m.type === 'started') {
      this.budget = setTimeout(() => this.overrun(job), job.budgetMs);
      this.budget.unref();
      return;
    }
    this.finish(job);
    if (m.type === 'done') job.resolve({ result: m.result });
    else job.reject(new Error(`the type checker failed: ${m.message}`));
    this.pump();
  }

  /** Over budget: the thread is terminated (TypeScript cannot be interrupted) and a new one takes the queue. */
  private overrun(job: Job): void {
    if (this.current !== job) return;
    this.finish(job);
    job.resolve({ overBudget: true });
    this.replaceWorker();
  }

  private onExit(worker: Worker, why: string): void {
    if (worker !== this.worker) return;
    this.worker = null;
    const job = this.current;
    if (job) {
      this.finish(job);
      if (this.ready) job.resolve({ crashed: why });
      else job.reject(new Error(`the type checker could not start (${why})`));
    }
    this.pump();
  }

  private replaceWorker(): void {
    const old = this.worker;
    this.worker = null;
    void old?.terminate();
    // Warm the replacement at once when anything is waiting.
    this.pump();
  }

  private finish(job: Job): void {
    clearTimeout(this.budget);
    this.budget = undefined;
    if (this.current === job) this.current = null;
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    job.settled = true;
  }

  /** The caller stops waiting now; a job already in the thread runs on (within its budget) unseen. */
  private abandon(job: Job, reason: unknown): void {
    if (job.settled) return;
    job.settled = true;
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    job.reject(reason);
    this.updateRef();
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason instanceof WandError ? signal.reason : new WandError('aborted', 'stopped');
}

let shared: CheckerThread | null = null;

/** The process's checker thread. */
export function checkerThread(): CheckerThread {
  shared ??= new CheckerThread();
  return shared;
}
