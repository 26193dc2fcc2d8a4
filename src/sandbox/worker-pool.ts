import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { DEFAULT_LIMITS, WORKER_STACK_MB } from './limits.ts';
import { CONTROL_BYTES, CONTROL_SLOTS, type CallReply, type RunRequest, type WorkerMessage } from './protocol.ts';

const require = createRequire(import.meta.url);

// Guest code can make the worker's own JS heap hold large strings (primitive arguments, replies);
// a cap makes that kill the worker instead of the host process.
const WORKER_HEAP_MB = 512;
const MAX_IDLE_WORKERS = Math.max(1, Math.min(4, availableParallelism()));

let compiled: Promise<WebAssembly.Module> | null = null;

/** QuickJS's wasm is compiled once per process and handed to every worker, which only instantiates it. */
function compiledQuickJS(): Promise<WebAssembly.Module> {
  compiled ??= readFile(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'))
    .then((bytes) => WebAssembly.compile(bytes))
    .catch((err: unknown) => {
      compiled = null;
      throw err;
    });
  return compiled;
}

export interface RunHandlers {
  onMessage(msg: WorkerMessage): void;
  onExit(reason: unknown): void;
}

/** One worker thread running guest-worker.js, used by one run at a time. */
export class GuestWorker {
  readonly ready: Promise<void>;
  alive = true;
  private readonly control: Int32Array;
  private readonly replyPort: MessagePort;
  private readonly worker: Worker;
  private handlers: RunHandlers | null = null;
  private lastError: unknown = null;

  constructor(wasmModule: WebAssembly.Module, onExit: () => void) {
    const controlBuffer = new SharedArrayBuffer(CONTROL_BYTES);
    this.control = new Int32Array(controlBuffer);
    const { port1, port2 } = new MessageChannel();
    this.replyPort = port1;
    this.replyPort.unref();
    this.worker = new Worker(new URL('./guest-worker.js', import.meta.url), {
      workerData: { wasmModule, controlBuffer, replyPort: port2, defaultMemoryBytes: DEFAULT_LIMITS.memoryBytes },
      transferList: [port2],
      execArgv: [], // the worker is plain JavaScript: skip loaders such as tsx that the host was started with
      resourceLimits: { stackSizeMb: WORKER_STACK_MB, maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });

    let wasReady = false;
    let markReady!: () => void;
    let failReady!: (err: unknown) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = () => {
        wasReady = true;
        // Starting up keeps the process alive (someone is usually awaiting it); an idle worker does not.
        this.worker.unref();
        resolve();
      };
      failReady = reject;
    });
    this.ready.catch(() => {}); // a worker that dies while idle is simply skipped

    this.worker.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'ready') markReady();
      else this.handlers?.onMessage(msg);
    });
    this.worker.on('error', (err) => {
      this.lastError = err;
    });
    this.worker.on('exit', (code) => {
      this.alive = false;
      const reason = this.lastError ?? new Error(`the sandbox worker exited with code ${code}`);
      failReady(reason);
      this.handlers?.onExit(reason);
      this.handlers = null;
      // Only a worker that once worked is replaced: one that cannot even start would respawn forever.
      if (wasReady) onExit();
    });
  }

  start(req: RunRequest, handlers: RunHandlers): void {
    Atomics.store(this.control, CONTROL_SLOTS.stop, 0);
    this.handlers = handlers;
    this.worker.ref(); // a run in flight keeps the process alive; an idle worker does not
    this.worker.postMessage(req);
  }

  /** Answer the guest's pending primitive call and wake it. */
  reply(reply: CallReply): void {
    this.replyPort.postMessage(reply);
    Atomics.add(this.control, CONTROL_SLOTS.replySeq, 1);
    Atomics.notify(this.control, CONTROL_SLOTS.replySeq);
  }

  /** Ask the guest to stop at its next interrupt check (QuickJS polls it while running bytecode). */
  requestStop(): void {
    Atomics.store(this.control, CONTROL_SLOTS.stop, 1);
  }

  finish(): void {
    this.handlers = null;
    this.worker.unref();
  }

  terminate(): void {
    this.alive = false;
    void this.worker.terminate();
  }
}

const idle: GuestWorker[] = [];

async function spawn(): Promise<GuestWorker> {
  // A worker killed after a limit is replaced in the background, so the next run starts warm.
  return new GuestWorker(await compiledQuickJS(), () => {
    if (idle.length === 0) void warmUp().catch(() => {});
  });
}

/** A ready worker for one run: an idle warm one if there is one, otherwise a new one (runs may overlap). */
export async function acquireWorker(): Promise<GuestWorker> {
  for (let worker = idle.pop(); worker; worker = idle.pop()) {
    try {
      await worker.ready;
      if (worker.alive) return worker;
    } catch {
      // died while idle; try the next one
    }
  }
  const worker = await spawn();
  await worker.ready;
  return worker;
}

export function releaseWorker(worker: GuestWorker): void {
  if (!worker.alive) return;
  if (idle.length < MAX_IDLE_WORKERS) idle.push(worker);
  else worker.terminate();
}

/**
 * Compile QuickJS and start a worker ahead of time, so the first program starts as fast as later ones.
 * Also used to replace a worker killed after a limit.
 */
export async function warmUp(): Promise<void> {
  let worker = idle.at(-1);
  if (!worker) {
    worker = await spawn();
    idle.push(worker);
  }
  await worker.ready;
}
