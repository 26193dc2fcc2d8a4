import { parentPort } from 'node:worker_threads';
import { primitivesFor } from '../../primitives/index.ts';
import { toErrorInfo, WandError } from '../core/errors.ts';
import { runProgram } from '../run/run-program.ts';
import { parseScene } from '../../sim/tabletop/scene.ts';
import { createTabletopSim } from '../../sim/tabletop/sim.ts';
import type { HostMessage, SimJob, SimWorkerMessage } from './protocol.ts';

// One candidate-simulation worker: builds a fresh simulator per job from the scene it is sent, runs the
// program through the same sandbox and primitives as the real target, and sends the result back.

const port = parentPort!;
const primitives = primitivesFor('tabletop');
const running = new Map<number, AbortController>();
const send = (m: SimWorkerMessage) => port.postMessage(m);

async function run(job: SimJob, signal: AbortSignal) {
  const sim = await createTabletopSim(parseScene(job.scene));
  try {
    return await runProgram({ source: job.source, backend: sim, primitives, prelude: job.prelude, signal });
  } finally {
    await sim.dispose();
  }
}

port.on('message', (msg: HostMessage) => {
  if (msg.type === 'abort') {
    running.get(msg.id)?.abort(new WandError('aborted', 'stopped'));
    return;
  }
  const controller = new AbortController();
  running.set(msg.id, controller);
  run(msg, controller.signal).then(
    (result) => send({ type: 'done', id: msg.id, result }),
    (err) => send({ type: 'failed', id: msg.id, error: toErrorInfo(err) }),
  ).finally(() => running.delete(msg.id));
});

// The first simulated seconds and the first sandbox run of a thread are slow (JIT, QuickJS compile):
// pay for them once, before the first candidate arrives.
await run(
  {
    scene: { objects: [{ name: 'red block', kind: 'block', color: 'red', position: { x: 0.5, y: 0, z: 0.02 } }, { name: 'blue bowl', kind: 'bowl', color: 'blue', position: { x: 0.5, y: 0.2, z: 0.025 } }] },
    source: "putOn('red block', 'blue bowl');",
  },
  new AbortController().signal,
).catch(() => {});
send({ type: 'ready' });
