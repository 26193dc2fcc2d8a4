// How fast the headless tabletop runs a realistic program: pick-and-place cycles the way the primitives
// do them (travel at a safe height, approach from above, release just above the target, let it settle),
// in a random scene with 5 blocks and 3 bowls. Reports simulated seconds per wall-clock second, cold (first
// world in the process: WebAssembly still compiling) and warm, plus CPU time, which the other processes on
// a shared machine do not inflate.
// Run: node --import tsx bench/sim.ts [--runs N]

import type { ObjectInfo, Vec3 } from '../primitives/schemas.ts';
import { randomScene } from '../sim/tabletop/scene.ts';
import { createTabletopSim, type TabletopSim } from '../sim/tabletop/sim.ts';
import { STEP_HZ } from '../sim/tabletop/physics-world.ts';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 10;
const go = new AbortController().signal;

const TRAVEL_Z = 0.15;
const APPROACH = 0.08;
const CLEARANCE = 0.012;

async function travel(sim: TabletopSim, to: Vec3): Promise<void> {
  const from = sim.toolPosition();
  if (Math.hypot(to.x - from.x, to.y - from.y) > 0.005) {
    await sim.moveTo({ ...from, z: Math.max(TRAVEL_Z, from.z) }, go);
    await sim.moveTo({ x: to.x, y: to.y, z: Math.max(TRAVEL_Z, to.z) }, go);
  }
  await sim.moveTo(to, go);
}

const named = (sim: TabletopSim, name: string): ObjectInfo => sim.objects().find((o) => o.name === name)!;

async function pickAndPlace(sim: TabletopSim, what: string, onto: string): Promise<boolean> {
  const obj = named(sim, what).position;
  await sim.openGripper(go);
  await travel(sim, { ...obj, z: obj.z + APPROACH });
  await sim.moveTo(obj, go);
  if ((await sim.closeGripper(go)) !== what) return false;
  await sim.moveTo({ ...obj, z: obj.z + APPROACH }, go);
  const target = named(sim, onto);
  const support = target.kind === 'bowl' ? target.position.z - target.size.z / 2 + 0.006 : target.position.z + target.size.z / 2;
  const release = { x: target.position.x, y: target.position.y, z: Math.max(support, target.kind === 'bowl' ? target.position.z + target.size.z / 2 : 0) + 0.02 + CLEARANCE };
  await travel(sim, release);
  await sim.openGripper(go);
  await sim.moveTo({ ...release, z: release.z + APPROACH }, go);
  await sim.wait(0.4, go);
  return named(sim, what).position.z > 0;
}

/** Five cycles: three blocks into bowls, then two blocks stacked on the ones left. */
async function program(seed: number) {
  const sim = await createTabletopSim(randomScene(seed, { blocks: 5, bowls: 3 }));
  const blocks = sim.objects().filter((o) => o.kind === 'block').map((o) => o.name);
  const bowls = sim.objects().filter((o) => o.kind === 'bowl').map((o) => o.name);
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  let done = 0;
  for (let i = 0; i < 3; i++) if (await pickAndPlace(sim, blocks[i], bowls[i])) done++;
  if (await pickAndPlace(sim, blocks[4], blocks[3])) done++;
  if (await pickAndPlace(sim, blocks[0], blocks[4])) done++;
  await travel(sim, sim.homePosition());
  const wallMs = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const simS = sim.simTimeS();
  await sim.dispose();
  return { simS, wallMs, cpuMs, done };
}

const line = (label: string, r: { simS: number; wallMs: number; cpuMs: number; done: number }) =>
  `${label.padEnd(8)} ${r.simS.toFixed(1).padStart(5)} s simulated in ${r.wallMs.toFixed(0).padStart(4)} ms wall, ${r.cpuMs.toFixed(0).padStart(4)} ms CPU: ` +
  `${(r.simS * 1000 / r.wallMs).toFixed(0).padStart(4)}x real time (${(r.simS * 1000 / r.cpuMs).toFixed(0)}x per CPU second), ` +
  `${((r.wallMs * 1000) / (r.simS * STEP_HZ)).toFixed(0)} µs/step, ${r.done}/5 cycles done`;

console.log(`Tabletop sim, 5 blocks + 3 bowls, 5 pick-and-place cycles (${STEP_HZ} Hz physics):`);
console.log(line('cold', await program(0)));
const warm = [];
for (let i = 1; i <= RUNS; i++) warm.push(await program(i));
for (const [i, r] of warm.entries()) console.log(line(`seed ${i + 1}`, r));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const speedups = warm.map((r) => (r.simS * 1000) / r.wallMs);
const cpuSpeedups = warm.map((r) => (r.simS * 1000) / r.cpuMs);
console.log(
  `warm median: ${median(speedups).toFixed(0)}x real time (min ${Math.min(...speedups).toFixed(0)}x), ` +
    `${median(cpuSpeedups).toFixed(0)}x per CPU second; goal ≥ 150x (warm, in-process; a fresh \`wand run\` is in \`npm run bench -- startup\`, goal ≥ 50x)`,
);
