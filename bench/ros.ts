// Robot-link latencies against the test rosbridge on loopback:
//   node --import tsx bench/ros.ts
// 1. command → odometry round trip: a velocity command published on the command link until the
//    odometry on the telemetry link reports it (includes rosbridge's odometry throttle);
// 2. Ctrl-C → zero command: SIGINT to a running `wand run --backend ros` until the bridge receives zero;
// 3. connection loss → abort: the bridge drops the sockets mid-motion until the program is aborted.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RosMobileBackend } from '../src/ros/backend.ts';
import { parseRobotConfig } from '../src/ros/config.ts';
import { RosbridgeTestServer } from '../test/helpers/rosbridge-server.ts';

const WAND = fileURLToPath(new URL('../bin/wand.js', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
const ms = (v: number) => `${v.toFixed(1)} ms`;

async function until(ok: () => boolean, timeoutMs: number): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!ok()) {
    if (performance.now() > end) throw new Error('timed out');
    await new Promise((r) => setImmediate(r));
  }
}

async function roundTrip(bridge: RosbridgeTestServer, samples: number): Promise<number[]> {
  const robot = await RosMobileBackend.open({ url: bridge.url, config: parseRobotConfig({}) });
  const out: number[] = [];
  try {
    let waiting: { v: number; t0: number; done: (dt: number) => void } | null = null;
    // roslib emits every message of a topic on the Ros object under the topic's name.
    robot.telemetryLink.ros.on('/odom', (m: any) => {
      if (waiting && Math.abs(m.msg.twist.twist.linear.x - waiting.v) < 1e-9) {
        const w = waiting;
        waiting = null;
        w.done(performance.now() - w.t0);
      }
    });
    for (let i = 1; i <= samples; i++) {
      const v = (i % 2 ? 1 : -1) * 0.001 * i; // distinct values, the robot barely moves
      out.push(
        await new Promise<number>((done) => {
          waiting = { v, t0: performance.now(), done };
          robot.publisher.publish({ linear: v, angular: 0 });
        }),
      );
      await sleep(Math.random() * 20); // sample all phases of the odometry throttle
    }
    robot.publisher.publish({ linear: 0, angular: 0 });
  } finally {
    await robot.dispose();
  }
  return out;
}

async function ctrlC(bridge: RosbridgeTestServer, runs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const moving = () => bridge.publishes('/cmd_vel').filter((f) => f.frame.msg.linear.x !== 0).length;
    const before = moving();
    const child = spawn(process.execPath, [WAND, 'run', '-', '--backend', 'ros', '--url', bridge.url, '--no-rehearse', '--json'], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    child.stdin.end('drive(1.5)');
    const exited = new Promise((r) => child.on('close', r));
    await until(() => moving() > before + 3, 15_000);
    const at = bridge.elapsedMs();
    child.kill('SIGINT');
    await until(() => bridge.publishes('/cmd_vel').some((f) => f.t >= at && f.frame.msg.linear.x === 0), 5000);
    out.push(bridge.publishes('/cmd_vel').find((f) => f.t >= at && f.frame.msg.linear.x === 0)!.t - at);
    await exited;
    await sleep(600); // the robot's command timeout, so the next run starts from rest
  }
  return out;
}

async function connectionLoss(bridge: RosbridgeTestServer, runs: number): Promise<number[]> {
  const robot = await RosMobileBackend.open({ url: bridge.url, config: parseRobotConfig({ geofence: { radius: 50 } }), link: { retryMinMs: 50 } });
  const out: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      await until(() => robot.commands.isUp && robot.telemetryLink.isUp, 5000);
      await sleep(100);
      const program = await robot.beginProgram();
      const drive = robot.drive(i % 2 ? -0.5 : 0.5, program).catch(() => {});
      const before = bridge.publishes('/cmd_vel').length;
      await until(() => bridge.publishes('/cmd_vel').length > before + 3, 5000);
      const t0 = performance.now();
      bridge.killConnections();
      await until(() => program.aborted, 5000);
      out.push(performance.now() - t0);
      await drive;
      robot.endProgram();
    }
  } finally {
    await robot.dispose();
  }
  return out;
}

const bridge = await RosbridgeTestServer.start();
try {
  const rt = await roundTrip(bridge, 200);
  console.log(`command → odometry round trip (odometry throttled to 50 ms, as configured by default): p50 ${ms(pct(rt, 50))}, p90 ${ms(pct(rt, 90))} (n=${rt.length})`);
  const cc = await ctrlC(bridge, 5);
  console.log(`Ctrl-C → zero command at the bridge: p50 ${ms(pct(cc, 50))}, max ${ms(Math.max(...cc))} (n=${cc.length})`);
  const cl = await connectionLoss(bridge, 10);
  console.log(`connection loss → program aborted: p50 ${ms(pct(cl, 50))}, max ${ms(Math.max(...cl))} (n=${cl.length})`);
} finally {
  await bridge.close();
}
