// How long the arm kinematics take per Cartesian move: a straight fingertip line planned as joint waypoints
// (every ≤ 1 cm, each solved from the last, continuity checked), for the simulator's UR-style arm, a UR5e and
// a 7-joint Franka Panda, over random moves across each one's workspace; plus a single top-down IK solve
// from the current joints. The simulator plans every moveTo this way, and the ROS arm backend every goal.
// Run: node --import tsx bench/kinematics.ts

import { readFileSync } from 'node:fs';
import type { Vec3 } from '../primitives/schemas.ts';
import { loadArmModel, simArmModel, type ArmModel } from '../src/kinematics/arm-model.ts';

const GOAL_MS_PER_MOVE = 5;
const MOVES = 300;

const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/urdf/${name}`, import.meta.url), 'utf8');

interface Case {
  name: string;
  arm: ArmModel;
  start: number[];
  box: { x: [number, number]; y: [number, number]; z: [number, number] };
}

const cases: Case[] = [
  {
    name: 'simulator arm (6 joints)',
    arm: simArmModel(),
    start: [0, -1.2, 1.6, -2.0, -Math.PI / 2, 0],
    box: { x: [0.2, 0.8], y: [-0.3, 0.3], z: [0, 0.5] },
  },
  {
    name: 'UR5e (6 joints)',
    arm: loadArmModel(fixture('ur5e.urdf'), { baseFrame: 'base_link', toolFrame: 'tool0', toolOffset: { x: 0, y: 0, z: 0.15 } }),
    start: [0, -Math.PI / 2, Math.PI / 2, -Math.PI / 2, -Math.PI / 2, 0],
    box: { x: [0.25, 0.6], y: [-0.3, 0.3], z: [0, 0.35] },
  },
  {
    name: 'Franka Panda (7 joints)',
    arm: loadArmModel(fixture('panda.urdf'), { baseFrame: 'panda_link0', toolFrame: 'panda_hand_tcp' }),
    start: [0, -Math.PI / 4, 0, (-3 * Math.PI) / 4, 0, Math.PI / 2, Math.PI / 4],
    box: { x: [0.3, 0.6], y: [-0.2, 0.2], z: [0.02, 0.4] },
  },
];

let seed = 7;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const within = ([lo, hi]: [number, number]) => lo + (hi - lo) * random();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];

console.log(`Arm kinematics: straight-line moves planned as joint waypoints (goal ≤ ${GOAL_MS_PER_MOVE} ms per move)`);
let worst = 0;
for (const c of cases) {
  const targets: Vec3[] = Array.from({ length: MOVES }, () => ({ x: within(c.box.x), y: within(c.box.y), z: within(c.box.z) }));
  let q = c.arm.ik(targets[0], c.start)!;
  // Warm the JIT on a few moves first, as a running simulator or robot session is.
  for (const t of targets.slice(0, 20)) q = c.arm.planLine(q, t).joints.at(-1)!;
  const moveMs: number[] = [];
  const ikMs: number[] = [];
  let waypoints = 0;
  let failed = 0;
  for (const t of targets) {
    let t0 = performance.now();
    try {
      const plan = c.arm.planLine(q, t);
      moveMs.push(performance.now() - t0);
      waypoints += plan.joints.length;
      q = plan.joints.at(-1)!;
    } catch (err) {
      failed++;
      if (process.env.VERBOSE) console.log(`  ${(err as Error).message}`);
    }
    t0 = performance.now();
    c.arm.ik(targets[(targets.indexOf(t) + 1) % targets.length], q);
    ikMs.push(performance.now() - t0);
  }
  const med = median(moveMs);
  worst = Math.max(worst, med);
  console.log(
    `${c.name.padEnd(26)} per move: median ${med.toFixed(2)} ms, p95 ${p95(moveMs).toFixed(2)} ms ` +
      `(${(waypoints / moveMs.length).toFixed(0)} waypoints); one IK solve: median ${median(ikMs).toFixed(3)} ms` +
      `${failed ? `; ${failed} moves refused` : ''}  ${med <= GOAL_MS_PER_MOVE ? 'ok' : 'SLOWER THAN GOAL'}`,
  );
}
console.log(`slowest median per move ${worst.toFixed(2)} ms (goal ≤ ${GOAL_MS_PER_MOVE} ms)`);
