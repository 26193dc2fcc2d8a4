import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { StateSnapshot } from '../../primitives/backend.ts';
import { WandError, type ErrorInfo } from '../core/errors.ts';
import type { RunResult } from '../run/result.ts';
import type { HostMessage, SimJob, SimWorkerMessage } from './protocol.ts';
import { sceneFromState } from './scene-copy.ts';

// Candidate programs tried in parallel, each on its own copy of the tabletop in a worker thread. The
// workers stay up between rounds (and bench episodes), warm: a fresh thread spends seconds in JIT and
// QuickJS compilation before its simulator reaches full speed.

/** One candidate's run on its copy of the world. */
export interface SimRun {
  /** Null when the copy could not be run at all (see `error`). */
  result: RunResult | null;
  error?: ErrorInfo;
  wallMs: number;
}

/** What the ask loop needs to try programs before anything runs on the real target. */
export interface CandidateSimulator {
  /** Runs every program on its own copy of the world in `state`; results in the programs' order. */
  simulate(programs: string[], state: StateSnapshot, opts?: { prelude?: string; signal?: AbortSignal }): Promise<SimRun[]>;
}

interface Pending {
  id: number;
  job: SimJob;
  resolve(run: SimRun): void;
  started: number;
}

class SimWorker {
  readonly ready: Promise<void>;
  busy: Pending | null = null;
  alive = true;
  /** Has said it is ready (warm) at least once. */
  warm = false;
  private readonly worker: Worker;

  constructor(onMessage: (w: SimWorker, m: SimWorkerMessage) => void, onExit: (w: SimWorker, reason: string) => void) {
    this.worker = new Worker(new URL('./sim-worker.js', import.meta.url), {
      // The entry registers tsx itself; the host's loaders (tsx, vitest's) must not be inherited.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    let lastError = '';
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (m: SimWorkerMessage) => {
        if (m.type === 'ready') {
          this.warm = true;
          this.worker.unref();
          resolve();
        } else onMessage(this, m);
      });
      this.worker.on('error', (err) => {
        lastError = err.message;
        reject(err);
      });
      this.worker.on('exit', (code) => {
        this.alive = false;
        reject(new Error(`the simulation worker exited with code ${code}`));
        onExit(this, lastError || `exit code ${code}`);
      });
    });
    this.ready.catch(() => {});
  }

  post(m: HostMessage): void {
    if (m.type === 'run') this.worker.ref();
    this.worker.postMessage(m);
  }

  idle(): void {
    this.busy = null;
    this.worker.unref();
  }

  terminate(): Promise<number> {
    this.alive = false;
    return this.worker.terminate();
  }
}

export interface SimPoolOptions {
  /** Worker threads (default: the machine's cores, at least 2, at most 8). */
  size?: number;
}

export function defaultPoolSize(): number {
  return Math.max(2, Math.min(8, availableParallelism()));
}

export class SimPool implements CandidateSimulator {
  readonly size: number;
  private readonly workers: SimWorker[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(opts: SimPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(opts.size ?? defaultPoolSize()));
  }

  /** Starts every worker and waits until they are warm; optional (the first batch starts them too). */
  async warm(): Promise<void> {
    while (this.workers.length < this.size) this.spawn();
    await Promise.all(this.workers.map((w) => w.ready));
  }

  async simulate(programs: string[], state: StateSnapshot, opts: { prelude?: string; signal?: AbortSignal } = {}): Promise<SimRun[]> {
    if (this.closed) throw new WandError('runtime', 'the candidate simulator has been closed');
    let scene: SimJob['scene'];
    try {
      scene = sceneFromState(state.objects).scene;
    } catch (err) {
      const error: ErrorInfo = { kind: 'runtime', message: `cannot copy the world for simulation: ${(err as Error).message}` };
      return programs.map(() => ({ result: null, error, wallMs: 0 }));
    }
    const jobs = programs.map((source) => this.enqueue({ scene, source, ...(opts.prelude ? { prelude: opts.prelude } : {}) }));
    const onAbort = () => {
      for (const j of jobs) this.cancel(j.pending);
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) onAbort();
    try {
      return await Promise.all(jobs.map((j) => j.done));
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.resolve(failed(p, { kind: 'aborted', message: 'the candidate simulator was closed' }));
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }

  private enqueue(job: SimJob): { pending: Pending; done: Promise<SimRun> } {
    let pending!: Pending;
    const done = new Promise<SimRun>((resolve) => {
      pending = { id: this.nextId++, job, resolve, started: performance.now() };
    });
    this.queue.push(pending);
    this.dispatch();
    return { pending, done };
  }

  private cancel(p: Pending): void {
    const queued = this.queue.indexOf(p);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      p.resolve(failed(p, { kind: 'aborted', message: 'stopped' }));
      return;
    }
    this.workers.find((w) => w.busy === p)?.post({ type: 'abort', id: p.id });
  }

  private spawn(): SimWorker {
    const worker = new SimWorker(
      (w, m) => this.onMessage(w, m),
      (w, reason) => this.onExit(w, reason),
    );
    this.workers.push(worker);
    worker.ready.then(
      () => this.dispatch(),
      () => {},
    );
    return worker;
  }

  private dispatch(): void {
    while (this.workers.length < this.size && this.workers.length < this.queue.length + this.busyCount()) this.spawn();
    for (const w of this.workers) {
      if (!this.queue.length) return;
      if (w.busy || !w.alive) continue;
      // Only warm workers take jobs; `ready` resolving calls dispatch again.
      if (!w.warm) continue;
      const p = this.queue.shift()!;
      w.busy = p;
      p.started = performance.now();
      w.post({ type: 'run', id: p.id, ...p.job });
    }
  }

  private busyCount(): number {
    return this.workers.filter((w) => w.busy).length;
  }

  private onMessage(w: SimWorker, m: SimWorkerMessage): void {
    if (m.type === 'ready') return;
    const p = w.busy;
    if (!p || p.id !== m.id) return;
    w.idle();
    const wallMs = Math.round(performance.now() - p.started);
    p.resolve(m.type === 'done' ? { result: m.result, wallMs } : { result: null, error: m.error, wallMs });
    this.dispatch();
  }

  private onExit(w: SimWorker, reason: string): void {
    const i = this.workers.indexOf(w);
    if (i >= 0) this.workers.splice(i, 1);
    const p = w.busy;
    w.busy = null;
    if (p) p.resolve(failed(p, { kind: 'runtime', message: `the simulation worker stopped: ${reason}` }));
    if (this.closed) return;
    // A worker that never became ready would fail again: fail what waits instead of respawning forever.
    if (!w.warm) {
      for (const q of this.queue.splice(0)) q.resolve(failed(q, { kind: 'runtime', message: `cannot start a simulation worker: ${reason}` }));
      return;
    }
    this.dispatch();
  }
}

function failed(p: Pending, error: ErrorInfo): SimRun {
  return { result: null, error, wallMs: Math.round(performance.now() - p.started) };
}
