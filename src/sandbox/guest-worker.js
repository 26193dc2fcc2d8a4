// Worker thread that runs guest programs in QuickJS (WebAssembly), one run at a time.
//
// Plain JavaScript on purpose: worker threads do not inherit tsx's loader hooks, so this file (and the
// prelude it imports) must run on bare Node. The message types are documented in protocol.ts.
//
// A primitive call blocks this thread on Atomics.wait while the main thread runs the real primitive,
// so every call is synchronous from the guest's point of view and programs work with or without await.

import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten-core';
import releaseSyncVariant from '@jitl/quickjs-wasmfile-release-sync';
import { GUEST_PRELUDE } from './guest-prelude.js';

/** @typedef {import('./protocol.ts').RunRequest} RunRequest */
/** @typedef {import('./protocol.ts').GuestOutcome} GuestOutcome */
/** @typedef {import('./protocol.ts').CallReply} CallReply */
/** @typedef {import('quickjs-emscripten-core').QuickJSWASMModule} QuickJSWASMModule */

// Mirrors CONTROL_SLOTS in protocol.ts.
const REPLY_SEQ = 0;
const STOP = 1;

const WASM_PAGE = 64 * 1024;
// Emscripten's initial memory (static data, C stack, first heap); the program's budget comes on top.
const BASE_MEMORY_BYTES = 16 * 1024 * 1024;
const MAX_WASM_PAGES = 32768; // the module cannot address more than 2 GiB
const NEAR_FULL = 0.85;
// describe() runs guest code (getters on a thrown object); it gets its own small budget.
const DESCRIBE_BUDGET_MS = 100;

/** @type {{ wasmModule: WebAssembly.Module, controlBuffer: SharedArrayBuffer, replyPort: import('node:worker_threads').MessagePort, defaultMemoryBytes: number }} */
const { wasmModule, controlBuffer, replyPort, defaultMemoryBytes } = workerData;
const control = new Int32Array(controlBuffer);
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);

/**
 * A fresh WebAssembly instance per run: its memory is capped (QuickJS's own memory limit misses large
 * strings and arrays), and nothing a previous program did, or broke, survives into the next one.
 * @param {number} memoryBytes
 */
function freshQuickJS(memoryBytes) {
  const maximum = Math.min(MAX_WASM_PAGES, Math.ceil((BASE_MEMORY_BYTES + memoryBytes) / WASM_PAGE));
  const wasmMemory = new WebAssembly.Memory({ initial: BASE_MEMORY_BYTES / WASM_PAGE, maximum });
  const module = newQuickJSWASMModuleFromVariant(newVariant(releaseSyncVariant, { wasmModule, wasmMemory }));
  module.catch(() => {}); // reported when a run awaits it
  return { memoryBytes, module, maxBytes: maximum * WASM_PAGE };
}

// Instantiated while idle so a run starts without paying for it.
let spare = freshQuickJS(defaultMemoryBytes);

/** @param {number} memoryBytes */
function takeQuickJS(memoryBytes) {
  const ready = spare.memoryBytes === memoryBytes ? spare : freshQuickJS(memoryBytes);
  spare = freshQuickJS(memoryBytes);
  return ready;
}

/**
 * Send one primitive call to the main thread and block until it answers.
 * @param {number} runId @param {string} name @param {string} args @param {number | undefined} line
 * @returns {CallReply}
 */
function callHost(runId, name, args, line) {
  const seen = Atomics.load(control, REPLY_SEQ);
  port.postMessage({ type: 'call', runId, name, args, line });
  while (Atomics.load(control, REPLY_SEQ) === seen) Atomics.wait(control, REPLY_SEQ, seen);
  // The main thread posts the reply before bumping the counter, so it is already queued here.
  const received = receiveMessageOnPort(replyPort);
  return received ? received.message : { type: 'stop' };
}

/**
 * @param {unknown} err @param {{ maxBytes: number }} instance @param {QuickJSWASMModule | undefined} qjs
 * @returns {GuestOutcome}
 */
function crashOutcome(err, instance, qjs) {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof RangeError && /call stack/i.test(message)) return { type: 'crash', reason: 'stack', message };
  let memoryFull = /out of memory|OOM|enlarge memory/i.test(message);
  try {
    if (qjs) memoryFull ||= qjs.getWasmMemory().buffer.byteLength >= instance.maxBytes * NEAR_FULL;
  } catch {
    // the instance is broken; the message is all we have
  }
  return { type: 'crash', reason: memoryFull ? 'memory' : 'other', message };
}

/**
 * @param {QuickJSWASMModule} qjs @param {number} maxBytes @param {RunRequest} req
 * @returns {GuestOutcome}
 */
function runGuest(qjs, maxBytes, req) {
  let stoppedByHost = false;
  let describeDeadline = 0;
  // The time budget is the program's own: it starts at the first guest instruction, not while this
  // worker was found, started or set up (start-up does not eat into it on a busy machine).
  let deadline = Infinity;
  const mustStop = () => stoppedByHost || Atomics.load(control, STOP) !== 0 || Date.now() > deadline;

  // No dispose() calls anywhere: the whole WebAssembly instance is dropped after the run, and freeing a
  // runtime that still holds objects would only trip QuickJS's leak assertions.
  const rt = qjs.newRuntime();
  rt.setMemoryLimit(req.limits.memoryBytes);
  rt.setMaxStackSize(req.limits.stackBytes);
  rt.setInterruptHandler(() => (describeDeadline ? Date.now() > describeDeadline : mustStop()));
  const ctx = rt.newContext();
  // import() rejects its promise, which a program that never awaits it would not notice; remember the
  // attempt so the run fails with a clear error instead of quietly doing nothing.
  /** @type {string | undefined} */
  let blockedImport;
  rt.setModuleLoader((name) => {
    blockedImport ??= name;
    return { error: new Error(`could not load module '${name}'`) };
  });
  /** @returns {GuestOutcome} */
  const importFailure = () => ({
    type: 'thrown',
    phase: 'program',
    error: { fromPrimitive: false, name: 'ReferenceError', message: `could not load module '${blockedImport}'` },
  });

  const hostCall = ctx.newFunction('hostCall', (nameHandle, argsHandle, lineHandle) => {
    if (mustStop()) {
      stoppedByHost = true;
      return ctx.newString('f');
    }
    const line = ctx.typeof(lineHandle) === 'number' ? ctx.getNumber(lineHandle) : undefined;
    let args = ctx.getString(argsHandle);
    // The prelude refuses oversized arguments itself; this only makes sure none ever cross to the host.
    if (args.length > req.limits.argChars && args[0] !== '!') args = '!' + JSON.stringify({ reason: 'size', chars: args.length });
    const reply = callHost(req.runId, ctx.getString(nameHandle), args, line);
    if (reply.type === 'value') return ctx.newString(reply.json === undefined ? 'u' : 'v' + reply.json);
    if (reply.type === 'error') {
      const { message, kind, primitive } = reply;
      return ctx.newString('e' + JSON.stringify({ message, kind, primitive }));
    }
    stoppedByHost = true;
    return ctx.newString('f');
  });

  const describeFn = ctx.unwrapResult(
    ctx.callFunction(
      ctx.unwrapResult(ctx.evalCode(GUEST_PRELUDE, 'wand-guest.js')),
      ctx.undefined,
      hostCall,
      ctx.newString(req.programFile),
      ctx.newString(JSON.stringify(req.globals)),
      ctx.newString(JSON.stringify(req.aliases)),
      ctx.newString(JSON.stringify({ argChars: req.limits.argChars, argDepth: req.limits.argDepth })),
    ),
  );

  /** @param {import('quickjs-emscripten-core').QuickJSHandle} thrown */
  const describe = (thrown) => {
    describeDeadline = Date.now() + DESCRIBE_BUDGET_MS;
    try {
      const result = ctx.callFunction(describeFn, ctx.undefined, thrown);
      if (result.error) return { fromPrimitive: false, name: '', message: 'the program threw a value that cannot be described' };
      return JSON.parse(ctx.getString(result.value));
    } finally {
      describeDeadline = 0;
    }
  };

  /** @param {import('quickjs-emscripten-core').QuickJSHandle} thrown @param {'compile' | 'prelude' | 'program'} phase @returns {GuestOutcome} */
  const failed = (thrown, phase) => {
    // QuickJS does not record where an interrupt hit (it reports the enclosing function's first line),
    // so a stopped program gets no line rather than a wrong one.
    if (mustStop()) return { type: 'interrupted' };
    // When memory is so short that QuickJS cannot even allocate its "out of memory" error, the
    // exception is null. The instance's memory never shrinks, so its size tells how high the run went.
    const nullish = ctx.typeof(thrown) === 'undefined' || ctx.sameValue(thrown, ctx.null);
    if (nullish && qjs.getWasmMemory().buffer.byteLength >= maxBytes * NEAR_FULL) {
      return { type: 'thrown', phase, error: { fromPrimitive: false, name: 'InternalError', message: 'out of memory' } };
    }
    return { type: 'thrown', phase, error: describe(thrown) };
  };

  deadline = Date.now() + req.limits.timeoutMs;
  port.postMessage({ type: 'started', runId: req.runId });
  if (req.prelude) {
    const prelude = ctx.evalCode(req.prelude, 'prelude.js');
    if (prelude.error) return failed(prelude.error, 'prelude');
  }

  const program = ctx.evalCode(req.code, req.programFile);
  if (program.error) return failed(program.error, 'compile');

  // The program is an async function: run its jobs until it settles. Primitive calls are synchronous,
  // so once the job queue is empty nothing can ever resume it.
  for (;;) {
    const state = ctx.getPromiseState(program.value);
    if (state.type === 'rejected') return failed(state.error, 'program');
    if (state.type === 'fulfilled') {
      // Work the program started but did not await (an async callback's continuation) still runs, in order,
      // before the run counts as finished: the robot must not be reported done while calls are pending.
      while (rt.hasPendingJob() && !mustStop()) {
        const jobs = rt.executePendingJobs();
        if (jobs.error) return failed(jobs.error, 'program');
      }
      return mustStop() ? { type: 'interrupted' } : blockedImport ? importFailure() : { type: 'ok' };
    }
    if (!rt.hasPendingJob()) {
      return mustStop() ? { type: 'interrupted' } : blockedImport ? importFailure() : { type: 'never-settles' };
    }
    const jobs = rt.executePendingJobs();
    if (jobs.error) return failed(jobs.error, 'program');
  }
}

port.on('message', async (/** @type {RunRequest} */ req) => {
  const instance = takeQuickJS(req.limits.memoryBytes);
  /** @type {QuickJSWASMModule | undefined} */
  let qjs;
  /** @type {GuestOutcome} */
  let outcome;
  try {
    qjs = await instance.module;
    outcome = runGuest(qjs, instance.maxBytes, req);
  } catch (err) {
    // A trap inside WebAssembly (V8 stack overflow, abort on exhausted memory). The instance is
    // discarded with the run, so the next run starts clean.
    outcome = crashOutcome(err, instance, qjs);
  }
  port.postMessage({ type: 'done', runId: req.runId, outcome });
});

await spare.module;
port.postMessage({ type: 'ready' });
