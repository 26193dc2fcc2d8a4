import { afterEach, describe, expect, it } from 'vitest';
import { WandError } from '../src/core/errors.ts';
import { RosMobileBackend } from '../src/ros/backend.ts';
import { parseRobotConfig } from '../src/ros/config.ts';
import { ServiceCallError, callService } from '../src/ros/service.ts';
import { validateCommand } from '../src/ros/messages.ts';
import { RosbridgeTestServer, type BridgeOptions } from './helpers/rosbridge-server.ts';
import { rejection } from './helpers/errors.ts';

// The ROS backend against a rosbridge protocol server on loopback, with the real roslib client.

const FAST = { limits: { maxLinear: 0.5, maxAngular: 1.5, maxAccel: 2, maxAngularAccel: 6 } };
const never = new AbortController().signal;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

async function setup(config: object = FAST, bridgeOpts: BridgeOptions = {}) {
  const bridge = await RosbridgeTestServer.start(bridgeOpts);
  const robot = await RosMobileBackend.open({ url: bridge.url, config: parseRobotConfig(config), link: { retryMinMs: 50, retryMaxMs: 200 } });
  cleanup.push(
    () => robot.dispose(),
    () => bridge.close(),
  );
  return { bridge, robot };
}

const cmds = (bridge: RosbridgeTestServer, from = 0) =>
  bridge.publishes('/cmd_vel').filter((f) => f.t >= from).map((f) => ({ t: f.t, linear: f.frame.msg.linear.x as number, angular: f.frame.msg.angular.z as number }));


/** Waits for a condition (not for a fixed time, which a busy machine can outlast); a test timeout if never. */
async function until(ok: () => boolean): Promise<void> {
  while (!ok()) await sleep(5);
}

const lastIsZero = (bridge: RosbridgeTestServer, from = 0) => {
  const last = cmds(bridge, from).at(-1);
  return last !== undefined && last.linear === 0 && last.angular === 0;
};

/** Resolves when the bridge has seen a non-zero velocity command. */
async function moving(bridge: RosbridgeTestServer): Promise<void> {
  while (!cmds(bridge).some((c) => c.linear !== 0 || c.angular !== 0)) await sleep(5);
}

describe('ROS backend over rosbridge', () => {
  it('reaches a target pose closed-loop on odometry, streaming commands and ending with zero', async () => {
    const { bridge, robot } = await setup();
    // Telemetry and commands are separate websockets; odometry is throttled, newest only.
    expect(bridge.clientCount()).toBe(2);
    const sub = bridge.frames.find((f) => f.frame.op === 'subscribe' && f.frame.topic === '/odom')!;
    const adv = bridge.frames.find((f) => f.frame.op === 'advertise' && f.frame.topic === '/cmd_vel')!;
    expect(sub.frame).toMatchObject({ type: 'nav_msgs/Odometry', throttle_rate: 50, queue_length: 1 });
    expect(adv.frame).toMatchObject({ type: 'geometry_msgs/Twist', queue_size: 1 });
    expect(sub.client).not.toBe(adv.client);

    const start = bridge.elapsedMs();
    await robot.drive(0.5, never);
    await robot.turn(90, never);
    await robot.drive(0.2, never);
    expect(Math.hypot(bridge.robot.x - 0.5, bridge.robot.y - 0.2)).toBeLessThan(0.02);
    expect(Math.abs((bridge.robot.yaw * 180) / Math.PI - 90)).toBeLessThan(1.5);
    const p = robot.getPose();
    expect(p.x).toBeCloseTo(bridge.robot.x, 2);
    expect(robot.state().robot).toMatchObject({ pose: { x: expect.any(Number), y: expect.any(Number), yaw: expect.any(Number) } });

    await until(() => lastIsZero(bridge, start));
    const c = cmds(bridge, start);
    // Commands are streamed while moving: at least 10 Hz over the motion (the contract). Bridge and
    // client share this process on a shared machine, so single gaps are not asserted (the bench times them).
    const gaps = c
      .slice(1)
      .map((x, i) => x.t - c[i]!.t)
      .sort((a, b) => a - b);
    expect(gaps[Math.floor(gaps.length / 2)]).toBeLessThan(100);
    expect(bridge.log).toEqual([]); // every frame was valid for the real server
  });

  it('clamps velocities to the configured limits', async () => {
    const { bridge, robot } = await setup({ limits: { maxLinear: 0.1, maxAngular: 0.3, maxAccel: 1 } });
    await robot.drive(0.12, never);
    await robot.turn(-20, never);
    const c = cmds(bridge);
    expect(Math.max(...c.map((x) => Math.abs(x.linear)))).toBeLessThanOrEqual(0.1);
    expect(Math.max(...c.map((x) => Math.abs(x.angular)))).toBeLessThanOrEqual(0.3);
    expect(Math.max(...c.map((x) => Math.abs(x.linear)))).toBeGreaterThan(0.09);
  });

  it('refuses a motion that would leave the geofence without publishing anything', async () => {
    const { bridge, robot } = await setup({ ...FAST, geofence: { polygon: [[-1, -1], [1, -1], [1, 1], [-1, 1]] } });
    const before = cmds(bridge).length;
    const err = await rejection(robot.drive(1.5, never));
    expect(err.kind).toBe('safety');
    expect(err.message).toMatch(/geofence/);
    await sleep(100);
    expect(cmds(bridge).length).toBe(before);
    expect(bridge.robot.x).toBe(0);
  });

  it('stale odometry stops the robot and aborts the program', async () => {
    const { bridge, robot } = await setup({ ...FAST, odomTimeoutMs: 300 });
    const program = await robot.beginProgram();
    const drive = robot.drive(1, never);
    await moving(bridge);
    bridge.stopOdometry();
    const stoppedAt = performance.now();
    const err = await rejection(drive);
    expect(err.kind).toBe('safety');
    expect(err.message).toMatch(/odometry .* stale/);
    // Generous (the watchdog's own bound is pinned on a fake clock in safety-clocks.test.ts; figures in bench/ros.ts).
    expect(performance.now() - stoppedAt).toBeLessThan(2000);
    expect(program.aborted).toBe(true);
    await until(() => lastIsZero(bridge));
    // Disarmed: nothing moves until odometry is back and a new program starts.
    expect((await rejection(robot.drive(0.1, never))).kind).toBe('safety');
    await expect(robot.beginProgram()).rejects.toThrow(/no fresh odometry/);
    bridge.resumeOdometry();
    await until(() => robot.telemetry.odomAgeMs() < 100);
    await robot.beginProgram();
    await robot.drive(0.1, never);
  });

  it('connection loss mid-motion aborts with kind connection', async () => {
    const { bridge, robot } = await setup();
    const program = await robot.beginProgram();
    const drive = robot.drive(1, never);
    await moving(bridge);
    const lostAt = performance.now();
    bridge.killConnections();
    const err = await rejection(drive);
    expect(err.kind).toBe('connection');
    expect(err.message).toMatch(/lost the (commands|telemetry) connection to rosbridge/);
    expect(performance.now() - lostAt).toBeLessThan(1000); // a hang guard; the real figure is in bench/ros.ts
    expect(program.aborted).toBe(true);
    expect((program.reason as WandError).kind).toBe('connection');
  });

  it('a command link that goes silent without closing is declared lost (heartbeat)', async () => {
    const bridge = await RosbridgeTestServer.start();
    const robot = await RosMobileBackend.open({ url: bridge.url, config: parseRobotConfig(FAST), link: { heartbeatMs: 100 } });
    cleanup.push(
      () => robot.dispose(),
      () => bridge.close(),
    );
    const program = await robot.beginProgram();
    const commandsClient = bridge.frames.find((f) => f.frame.op === 'advertise')!.client;
    // On a busy machine a stalled test process can also miss the telemetry link's heartbeats (100 ms here)
    // and trip on that first; what must happen is that the silent commands link is declared lost.
    const commandsDown = new Promise<string>((resolve) => robot.commands.once('down', resolve));
    bridge.freezeClient(commandsClient);
    await new Promise<void>((resolve) => program.addEventListener('abort', () => resolve()));
    expect((program.reason as WandError).kind).toBe('connection');
    await commandsDown; // (a test timeout if it never is)
  });

  it('never replays commands after a reconnect, and stays disarmed until a new program', async () => {
    const { bridge, robot } = await setup();
    await robot.beginProgram();
    const drive = robot.drive(1, never);
    await moving(bridge);
    await bridge.goOffline();
    expect((await rejection(drive)).kind).toBe('connection');
    // While disconnected: zeros, stops and even raw non-zero publishes are dropped, not queued.
    await robot.halt();
    await robot.stop();
    robot.publisher.publish({ linear: 0.3, angular: 0 });
    expect(robot.publisher.dropped).toBeGreaterThanOrEqual(3);
    const offlineFrames = bridge.frames.length;
    await sleep(300);
    await bridge.goOnline();
    await bridge.waitForClients(2);
    await until(() => bridge.frames.slice(offlineFrames).some((f) => f.frame.op === 'subscribe'));
    await sleep(300); // what a replay would send comes with the reconnect; give it time to arrive
    const after = bridge.frames.slice(offlineFrames);
    // The links came back: subscriptions and the advertisement were renewed, nothing was published.
    expect(after.some((f) => f.frame.op === 'subscribe')).toBe(true);
    expect(after.filter((f) => f.frame.op === 'publish')).toEqual([]);
    // Still disarmed: a motion outside a new program is refused and sends nothing that moves.
    const err = await rejection(robot.drive(0.2, never));
    expect(err.kind).toBe('connection');
    expect(cmds(bridge, after[0]?.t ?? 0).filter((c) => c.linear !== 0)).toEqual([]);
    await robot.beginProgram();
    await robot.drive(0.2, never);
    expect(cmds(bridge).some((c) => c.linear > 0)).toBe(true);
  });

  it('refuses to arm when nothing subscribes to the command topic', async () => {
    const { bridge, robot } = await setup(FAST, { robotListens: false });
    await expect(robot.beginProgram()).rejects.toThrow(/nothing on the robot subscribes to \/cmd_vel/);
    bridge.robotListens = true;
    await expect(robot.beginProgram()).resolves.toBeInstanceOf(AbortSignal);
  });

  it('does not arm when a link is lost while it asks rosapi for the command topic\'s subscribers', async () => {
    const { bridge, robot } = await setup();
    bridge.hangingServices.add('/rosapi/subscribers');
    const begin = robot.beginProgram();
    await sleep(50);
    await bridge.goOffline();
    expect((await rejection(begin)).kind).toBe('connection');
    expect(robot.arming.armed).toBe(false);
  });

  it('service calls time out on the client and carry rosbridge error text', async () => {
    const { bridge, robot } = await setup();
    const missing = await callService(robot.commands, '/no/such/service', {}, 500).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ServiceCallError);
    expect((missing as ServiceCallError).message).toContain('Service /no/such/service does not exist');
    bridge.hangingServices.add('/sim/reset');
    const t0 = performance.now();
    const hung = await callService(robot.commands, '/sim/reset', {}, 200).catch((e: unknown) => e);
    expect((hung as ServiceCallError).reason).toBe('timeout');
    // The given 200 ms, not sooner; "not much later" only as a hang guard on a busy machine.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
    expect(performance.now() - t0).toBeLessThan(2000);
    bridge.hangingServices.clear();
    await expect(callService(robot.commands, '/sim/reset', {}, 500)).resolves.toEqual({ success: true, message: 'pose reset to origin' });
  });

  it('reads the laser scan per sector (rosbridge sends out-of-range returns as null)', async () => {
    const { robot } = await setup();
    const s = robot.scan()!;
    // 6 m square room centred on the robot: walls 3 m away in every direction, diagonals beyond range.
    expect(s.front).toBeCloseTo(3, 1);
    expect(s.back).toBeCloseTo(3, 1);
    expect(s.left).toBeCloseTo(3, 1);
  });

  it('works with ROS 2 type names and message layout', async () => {
    const { bridge, robot } = await setup(
      { ...FAST, topics: { cmdVel: { type: 'geometry_msgs/msg/Twist' }, odom: { type: 'nav_msgs/msg/Odometry' }, scan: null } },
      { flavor: 'ros2', scan: false },
    );
    await robot.drive(0.3, never);
    expect(bridge.robot.x).toBeGreaterThan(0.28);
    expect(robot.scan()).toBeNull();
    expect(bridge.log).toEqual([]);
  });

  it('validates every outgoing command (rosbridge would silently ignore a bad one)', () => {
    expect(() => validateCommand('geometry_msgs/Twist', { linear: { x: NaN, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } })).toThrow(/malformed/);
    expect(() => validateCommand('geometry_msgs/Twist', { data: 1 })).toThrow(WandError);
    expect(() => validateCommand('geometry_msgs/TwistStamped', { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } })).toThrow();
  });

  it('fails to open with a connection error when rosbridge is not there', async () => {
    const bridge = await RosbridgeTestServer.start();
    const url = bridge.url;
    await bridge.close();
    const err = await rejection(RosMobileBackend.open({ url, config: parseRobotConfig({}), connectTimeoutMs: 1000 }));
    expect(err.kind).toBe('connection');
    expect(err.message).toMatch(/cannot connect to rosbridge/);
  });
});
