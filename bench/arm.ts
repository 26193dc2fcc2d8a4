// The arm over rosbridge, against the test bridge's arm on loopback (real time), each figure beside its goal:
//   node --import tsx bench/arm.ts
// 1. command → first joint-state change: moveTo() called until the joint states Wand receives show motion
//    (planning, timing and checking the move, the goal's trip, the controller, the joint state's trip back);
// 2. e-stop → hold on the wire: the stop until the hold goal reaches the bridge (in process), and Ctrl-C to a
//    running `wand run --profile arm` until the bridge has the cancel and the hold (whole process);
// 3. IK (straight-line planning) per Cartesian move;
// 4. bridge loss → program aborted (kind connection).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WandError } from '../src/core/errors.ts';
import { RosArmBackend } from '../src/ros/arm/backend.ts';
import { parseArmConfig } from '../src/ros/arm/config.ts';
import { simulatorArm, startArmBridge } from '../test/helpers/ros-arm.ts';
import type { Flavor, RosbridgeTestServer } from '../test/helpers/rosbridge-server.ts';

const WAND = fileURLToPath(new URL('../bin/wand.js', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
const ms = (v: number) => `${v.toFixed(1)} ms`;
const line = (what: string, values: number[], goal: number) =>
  console.log(`${what}: p50 ${ms(pct(values, 50))}, max ${ms(Math.max(...values))} (n=${values.length}; goal ≤ ${goal} ms: ${Math.max(...values) <= goal ? 'met' : 'NOT met'})`);

async function until(ok: () => boolean, timeoutMs: number): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!ok()) {
    if (performance.now() > end) throw new Error('timed out');
    await new Promise((r) => setImmediate(r));
  }
}

const sim = simulatorArm();
const TARGETS = [
  { x: 0.6, y: 0.2, z: 0.15 },
  { x: 0.35, y: -0.2, z: 0.25 },
  { x: 0.7, y: -0.1, z: 0.1 },
  { x: 0.4, y: 0.1, z: 0.3 },
];
const config = parseArmConfig({ limits: { maxToolSpeed: 0.25, maxJointSpeed: 1 } });

async function withArm<T>(flavor: Flavor, fn: (bridge: RosbridgeTestServer, robot: RosArmBackend) => Promise<T>): Promise<T> {
  const { bridge } = await startArmBridge({ flavor, ...sim });
  const robot = await RosArmBackend.open({ url: bridge.url, config, link: { retryMinMs: 50 } });
  try {
    return await fn(bridge, robot);
  } finally {
    await robot.dispose();
    await bridge.close();
  }
}

/** Hold goals (one point) at the bridge after `t`. */
const holdAt = (bridge: RosbridgeTestServer, t: number) =>
  bridge.frames.find(
    (f) =>
      f.t >= t &&
      ((f.frame.op === 'send_action_goal' && f.frame.args?.trajectory?.points?.length === 1) ||
        (f.frame.op === 'publish' && f.frame.topic?.endsWith('follow_joint_trajectory/goal') && f.frame.msg?.goal?.trajectory?.points?.length === 1)),
  );

async function inProcess(flavor: Flavor, runs: number) {
  return withArm(flavor, async (bridge, robot) => {
    const firstMotion: number[] = [];
    const hold: number[] = [];
    for (let i = 0; i < runs; i++) {
      const program = await robot.beginProgram();
      const stop = new AbortController();
      const start = robot.joints();
      const t0 = performance.now();
      let moved = 0;
      const off = robot.jointStates.onUpdate(() => {
        if (!moved && robot.joints().some((q, k) => Math.abs(q - start[k]!) > 1e-4)) moved = performance.now();
      });
      const move = robot.moveTo(TARGETS[i % TARGETS.length]!, AbortSignal.any([program, stop.signal])).catch(() => {});
      await until(() => moved > 0, 5000);
      off();
      firstMotion.push(moved - t0);
      await sleep(200);
      const at = bridge.elapsedMs();
      stop.abort(new WandError('aborted', 'stopped by the e-stop'));
      await robot.halt();
      await until(() => !!holdAt(bridge, at), 2000);
      hold.push(holdAt(bridge, at)!.t - at);
      await move;
      robot.endProgram();
      await sleep(300);
    }
    return { firstMotion, hold, ik: [...robot.ikMs] };
  });
}

async function ctrlC(runs: number): Promise<number[]> {
  const { bridge } = await startArmBridge({ flavor: 'ros2', ...sim });
  const dir = mkdtempSync(join(tmpdir(), 'wand-arm-bench-'));
  writeFileSync(join(dir, 'arm.json'), JSON.stringify({ profile: 'arm', limits: { maxToolSpeed: 0.25, maxJointSpeed: 1 } }));
  writeFileSync(join(dir, 'p.js'), 'moveTo({x: 0.7, y: 0.2, z: 0.15});\nmoveTo({x: 0.35, y: -0.2, z: 0.25});');
  const out: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const goals = () => bridge.frames.filter((f) => f.frame.op === 'send_action_goal').length;
      const before = goals();
      const child = spawn(process.execPath, [WAND, 'run', join(dir, 'p.js'), '--backend', 'ros', '--profile', 'arm', '--url', bridge.url, '--config', join(dir, 'arm.json'), '--no-rehearse', '--json'], {
        stdio: ['ignore', 'ignore', 'ignore'],
      });
      const exited = new Promise((r) => child.on('close', r));
      await until(() => goals() > before + 1, 20_000);
      const at = bridge.elapsedMs();
      child.kill('SIGINT');
      await until(() => !!holdAt(bridge, at), 5000);
      out.push(holdAt(bridge, at)!.t - at);
      await exited;
    }
  } finally {
    await bridge.close();
  }
  return out;
}

async function bridgeLoss(runs: number): Promise<number[]> {
  return withArm('ros2', async (bridge, robot) => {
    const out: number[] = [];
    for (let i = 0; i < runs; i++) {
      await until(() => robot.commands.isUp && robot.telemetryLink.isUp, 5000);
      await sleep(300);
      const program = await robot.beginProgram();
      const move = robot.moveTo(TARGETS[i % TARGETS.length]!, program).catch(() => {});
      await sleep(300);
      const t0 = performance.now();
      bridge.killConnections();
      await until(() => program.aborted, 5000);
      out.push(performance.now() - t0);
      await move;
      robot.endProgram();
    }
    return out;
  });
}

for (const flavor of ['ros2', 'ros1'] as const) {
  const r = await inProcess(flavor, 8);
  console.log(`\n${flavor === 'ros1' ? 'ROS 1 (actionlib topics)' : 'ROS 2 (rosbridge action ops)'}:`);
  line('  command → first joint-state change', r.firstMotion, 200);
  line('  e-stop → hold goal at the bridge', r.hold, 100);
  line('  IK (straight-line plan) per Cartesian move', r.ik, 50);
}
console.log('');
line('Ctrl-C to `wand run --profile arm` → hold goal at the bridge (whole process)', await ctrlC(4), 100);
line('bridge loss → program aborted (kind connection)', await bridgeLoss(6), 3000);
