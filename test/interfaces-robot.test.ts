import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateDts } from '../primitives/index.ts';
import { openSimulator, type OpenBackend } from '../src/backends/open.ts';
import { WandError } from '../src/core/errors.ts';
import { openRosRobot } from '../src/ros/open.ts';
import { executeProgram, type ApprovalRequest, type ExecuteOptions } from '../src/run/execute.ts';
import { formatReport, rehearsalText } from '../src/run/report.ts';
import { unrehearsedText } from '../src/run/unrehearsed.ts';
import { rejection } from './helpers/errors.ts';
import { InterfaceRobot, type InterfaceRobotOptions } from './helpers/robot-interfaces.ts';
import { RosbridgeTestServer, type BridgeOptions, type Flavor } from './helpers/rosbridge-server.ts';

// Declared interfaces on a robot behind the test rosbridge (ROS 1 and ROS 2), through the same path as
// `wand run --backend ros --config FILE`: rosapi introspection at connect time, then programs.

const dir = mkdtempSync(join(tmpdir(), 'wand-interfaces-'));
let configs = 0;
let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!ok()) {
    if (performance.now() > end) throw new Error('timed out');
    await sleep(5);
  }
}

const navEntry = (flavor: Flavor, extra: object = {}) => ({
  primitive: 'navigateTo',
  action: flavor === 'ros2' ? '/navigate_to_pose' : '/move_base',
  doc: 'Navigate to a pose with obstacle avoidance.',
  timeoutS: 30,
  ...extra,
});

const entries = (flavor: Flavor) => [
  { primitive: 'dock', service: '/dock', doc: 'Drive onto the charging dock.', timeoutS: 0.5 },
  { primitive: 'setLight', topic: '/light/color', doc: 'Set the status light.', maxRateHz: 5 },
  navEntry(flavor),
  { primitive: 'batteryLevel', read: '/battery_state', field: 'percentage', doc: 'Battery charge, 0..1.', maxAgeS: 1 },
];

/** A goal at (x, y) in the spelling of the flavor's navigation action. */
const goal = (flavor: Flavor, x: number, y: number) =>
  JSON.stringify(flavor === 'ros2' ? { pose: { header: { frame_id: 'odom' }, pose: { position: { x, y, z: 0 } } } } : { target_pose: { header: { frame_id: 'odom' }, pose: { position: { x, y, z: 0 } } } });

async function setup(flavor: Flavor, config: object = {}, robotOpts: InterfaceRobotOptions = {}, bridgeOpts: BridgeOptions = {}) {
  const bridge = await RosbridgeTestServer.start({ flavor, ...bridgeOpts });
  const robot = new InterfaceRobot(bridge, { flavor, ...robotOpts });
  const path = join(dir, `robot-${++configs}.json`);
  writeFileSync(path, JSON.stringify({ limits: { maxLinear: 0.5, maxAngular: 1.5, maxAccel: 2 }, geofence: { radius: 3 }, interfaces: entries(flavor), ...config }));
  cleanup.push(
    () => bridge.close(),
    () => robot.close(),
  );
  const target = await openRosRobot({ world: 'mobile', seed: 0, backend: 'ros', url: bridge.url, configPath: path, rehearse: true });
  cleanup.push(() => target.backend.dispose());
  return { bridge, robot, target, path };
}

const run = (target: OpenBackend, source: string, opts: Partial<ExecuteOptions> = {}) => executeProgram({ source, target, ...opts });

describe.each(['ros1', 'ros2'] as const)('declared interfaces over rosbridge (%s)', (flavor) => {
  it('calls a service, publishes, reads with the age, and reports what the rehearsal could not simulate', async () => {
    const { robot, target } = await setup(flavor);
    robot.battery.percentage = 0.42;
    const r = await run(target, 'const d = dock();\nprint(d.success, d.message);\nsetLight({ g: 1, a: 1 });\nconst b = batteryLevel();\nprint(b.value, b.ageS < 1);');
    expect(r.error).toBeNull();
    expect(r.output).toEqual(['true docked', '0.42 true']);
    expect(robot.dockCalls).toEqual([{}]);
    await until(() => robot.light.length > 0);
    expect(robot.light.map((l) => l.msg)).toEqual([{ r: 0, g: 1, b: 0, a: 1 }]);
    // The rehearsal ran the same program against stand-ins that answer default-shaped replies.
    expect(r.rehearsal).toMatchObject({ ok: true, output: ['false ', '0 true'], notSimulated: ['dock', 'setLight', 'batteryLevel'] });
    expect(rehearsalText(r.rehearsal!)).toContain('Not simulated (stand-ins answered): dock, setLight, batteryLevel.');
  });

  it('validates a message before anything is sent', async () => {
    const { bridge, robot, target } = await setup(flavor);
    const r = await run(target, 'setLight({ red: 1 });', { rehearse: false });
    expect(r.error).toMatchObject({ kind: 'validation', primitive: 'setLight', line: 1 });
    expect(r.error!.message).toMatch(/setLight\(message\): bad argument 'message'/);
    await sleep(50);
    expect(robot.light).toEqual([]);
    expect(bridge.publishes('/light/color')).toEqual([]);
  });

  it('rate-limits publishing: a faster program is slowed down, every message arrives in order', async () => {
    const { robot, target } = await setup(flavor);
    const r = await run(target, 'for (let i = 1; i <= 4; i++) setLight({ r: i / 4 });', { rehearse: false });
    expect(r.error).toBeNull();
    await until(() => robot.light.length === 4);
    expect(robot.light.map((l) => l.msg.r)).toEqual([0.25, 0.5, 0.75, 1]);
    // At most 5 per second: four messages take at least three periods of the robot's clock.
    expect(r.simTimeS).toBeGreaterThanOrEqual(0.6);
  });

  it('times out a service that never answers', async () => {
    const { bridge, target } = await setup(flavor);
    bridge.hangingServices.add('/dock');
    const r = await run(target, 'dock();', { rehearse: false });
    expect(r.error).toMatchObject({ kind: 'timeout', primitive: 'dock' });
    expect(r.error!.message).toMatch(/dock: no answer from \/dock within 0.5 s \(timeoutS\)/);
  });

  it('reports a stale reading as an error, not a value', async () => {
    const { robot, target } = await setup(flavor);
    expect((await run(target, 'print(batteryLevel().value);', { rehearse: false })).output).toEqual(['0.8']);
    robot.battery.publishing = false;
    await sleep(1200);
    const r = await run(target, 'print(batteryLevel().value);', { rehearse: false });
    expect(r.error).toMatchObject({ kind: 'connection', primitive: 'batteryLevel' });
    expect(r.error!.message).toMatch(/latest message on \/battery_state is \d+\.\d s old, older than the limit of 1 s \(maxAgeS\)/);
  });

  it('refuses an unrehearsable motion without approval, and the robot gets nothing', async () => {
    const { robot, target } = await setup(flavor);
    const r = await run(target, `navigateTo(${goal(flavor, 1, 0)});`);
    expect(r.error).toMatchObject({ kind: 'safety' });
    expect(r.error!.message).toMatch(/navigateTo moves the robot and cannot be rehearsed in the simulator.*--approve.*"unrehearsed": "allow"/);
    expect(r.calls).toEqual([]);
    await sleep(100);
    expect(robot.goals).toEqual([]);
  });

  it('runs it after approval, with feedback as progress events, and says so in the report', async () => {
    const { robot, target } = await setup(flavor);
    const asked: ApprovalRequest[] = [];
    const progress: string[] = [];
    const r = await run(target, `navigateTo(${goal(flavor, 1, 0.5)});\nsay("arrived");`, {
      approve: async (req) => (asked.push(req), true),
      onEvent: (e) => e.type === 'progress' && progress.push(`${e.primitive}: ${e.text}`),
    });
    expect(r.error).toBeNull();
    expect(asked[0]!.unrehearsed).toEqual(['navigateTo']);
    expect(robot.goals).toHaveLength(1);
    const sent = flavor === 'ros2' ? robot.goals[0]!.goal.pose : robot.goals[0]!.goal.target_pose;
    expect(sent.pose.position).toMatchObject({ x: 1, y: 0.5 });
    expect(robot.goals[0]!.outcome).toBe('succeeded');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatch(flavor === 'ros2' ? /^navigateTo: .*distance_remaining \d/ : /^navigateTo: base_position \(/);
    const call = r.calls.find((c) => c.primitive === 'navigateTo')!;
    expect(call.progress).toBe(progress.at(-1)!.replace('navigateTo: ', ''));
    expect(formatReport(r)).toContain('last progress: ');
    expect(r.unrehearsed).toEqual({ primitives: ['navigateTo'], used: ['navigateTo'], allowedBy: 'approval' });
    expect(unrehearsedText(r.unrehearsed!)).toBe('Unrehearsed motion approved by you: navigateTo.');
  });

  it('cancels the active goal on Ctrl-C (the same signal as the e-stop)', async () => {
    const { robot, target } = await setup(flavor, { unrehearsed: 'allow' }, { navSeconds: 30 });
    const stop = new AbortController();
    const running = run(target, `navigateTo(${goal(flavor, 2, 0)});`, { signal: stop.signal, rehearse: false });
    await until(() => robot.goals.length === 1);
    stop.abort(new WandError('aborted', 'stopped by Ctrl-C'));
    const r = await running;
    expect(r.error).toMatchObject({ kind: 'aborted' });
    await until(() => robot.goals[0]!.outcome !== null);
    expect(robot.goals[0]!.outcome).toBe('canceled');
    expect(robot.cancels.map((c) => c.id)).toContain(robot.goals[0]!.id);
  });

  it('ends an action with kind connection when the bridge is lost, and cancels its goal once the link is back', async () => {
    const { bridge, robot, target } = await setup(flavor, { unrehearsed: 'allow' }, { navSeconds: 30 });
    const running = run(target, `navigateTo(${goal(flavor, 2, 0)});`, { rehearse: false });
    await until(() => robot.goals.length === 1);
    bridge.killConnections();
    const r = await running;
    expect(r.error).toMatchObject({ kind: 'connection' });
    // The goal may still run on the robot; Wand reconnects and cancels it (it is never sent again).
    await until(() => robot.goals[0]!.outcome !== null);
    expect(robot.goals[0]!.outcome).toBe('canceled');
    expect(robot.goals).toHaveLength(1);
  });

  it('a goal the server aborts is a physical error', async () => {
    const { target } = await setup(flavor, { unrehearsed: 'allow' }, { navOutcome: 'abort', navSeconds: 0.1 });
    const r = await run(target, `navigateTo(${goal(flavor, 1, 0)});`, { rehearse: false });
    expect(r.error).toMatchObject({ kind: 'physical', primitive: 'navigateTo' });
    expect(r.error!.message).toMatch(/navigateTo: the action \/(move_base|navigate_to_pose) aborted the goal/);
  });

  it('the geofence refuses a navigation goal outside it, in the rehearsal, before anything is sent', async () => {
    const { robot, target } = await setup(flavor, { unrehearsed: 'allow' });
    const r = await run(target, `navigateTo(${goal(flavor, 10, 0)});`);
    expect(r.error).toMatchObject({ kind: 'safety' });
    expect(r.error!.message).toMatch(/navigateTo: refused by the geofence: the goal \(10\.00, 0\.00\) \(frame "odom"\) is 7\.00 m outside/);
    expect(r.rehearsal?.ok).toBe(false);
    await sleep(100);
    expect(robot.goals).toEqual([]);
  });

  it('"unrehearsed": "allow" runs motion without approval and says so in the status line and every report', async () => {
    const { robot, target } = await setup(flavor, { unrehearsed: 'allow' });
    expect(target.label).toMatch(/\(unrehearsed motion allowed by the config: navigateTo\)$/);
    const quiet = await run(target, 'setLight({ b: 1 });');
    expect(quiet.unrehearsed).toEqual({ primitives: ['navigateTo'], used: [], allowedBy: 'config' });
    expect(unrehearsedText(quiet.unrehearsed!)).toMatch(/^Unrehearsed motion allowed by the robot config \("unrehearsed": "allow"\): navigateTo; this program used: none\.$/);
    const moved = await run(target, `navigateTo(${goal(flavor, 0.5, 0)});`);
    expect(moved.error).toBeNull();
    expect(robot.goals).toHaveLength(1);
    expect(moved.unrehearsed!.used).toEqual(['navigateTo']);
  });
});

describe('velocity topics as interfaces', () => {
  it('a base outside the geofence may only be sent a zero velocity', async () => {
    const cfg = { unrehearsed: 'allow', geofence: { radius: 1, center: [0, 0] }, interfaces: [{ primitive: 'setVelocity', topic: '/cmd_vel', maxRateHz: 20 }] };
    const { robot, target } = await setup('ros1', cfg, {}, { start: { x: 2, y: 0, yaw: 0 } });
    const r = await run(target, 'setVelocity({ linear: { x: 0.1 } });', { rehearse: false });
    expect(r.error).toMatchObject({ kind: 'safety', primitive: 'setVelocity' });
    expect(r.error!.message).toMatch(/setVelocity: refused: the robot is 1\.00 m outside the geofence at \(2\.00, 0\.00\); only a zero velocity may be sent/);
    expect((await run(target, 'setVelocity({});', { rehearse: false })).error).toBeNull();
    await sleep(50);
    expect(robot.twists.filter((t) => t.msg.linear.x !== 0)).toEqual([]);
  });

  it('refuses a velocity over the limits, and sends a zero when the program ends', async () => {
    const { robot, target } = await setup('ros1', { unrehearsed: 'allow', interfaces: [{ primitive: 'setVelocity', topic: '/cmd_vel', maxRateHz: 20 }] });
    const fast = await run(target, 'setVelocity({ linear: { x: 2 } });');
    expect(fast.error).toMatchObject({ kind: 'safety' });
    expect(fast.error!.message).toMatch(/setVelocity: refused: the linear speed 2\.000 m\/s is over maxLinear 0\.5 m\/s/);
    expect(robot.twists.filter((t) => t.msg.linear.x !== 0)).toEqual([]);
    await sleep(100);
    const before = robot.twists.length;
    const ok = await run(target, 'setVelocity({ linear: { x: 0.2 } });');
    expect(ok.error).toBeNull();
    await until(() => robot.twists.length >= before + 2);
    expect(robot.twists.slice(before).map((t) => t.msg)).toEqual([
      { linear: { x: 0.2, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } },
      { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } },
    ]);
  });
});

describe('the simulator with a robot config', () => {
  it('answers declared interfaces with stand-ins that validate arguments, marked not simulated', async () => {
    const path = join(dir, 'sim.json');
    writeFileSync(path, JSON.stringify({ interfaces: [...entries('ros1'), { primitive: 'horn', topic: '/horn', type: 'std_msgs/ColorRGBA' }] }));
    const target = await openSimulator({ world: 'mobile', seed: 0, backend: 'sim', configPath: path, rehearse: true });
    cleanup.push(() => target.backend.dispose());
    expect(generateDts(target.primitives)).toContain('declare function dock(request?: Record<string, unknown>): unknown;');
    const r = await run(target, 'print(dock());\nsetLight({ r: 1 });\nprint(batteryLevel());\nnavigateTo({});');
    expect(r.error).toBeNull();
    expect(r.output).toEqual(['{}', '{"value":null,"ageS":0}']);
    expect(r.calls.map((c) => [c.primitive, c.notSimulated])).toEqual([
      ['dock', true],
      ['print', undefined],
      ['setLight', true],
      ['batteryLevel', true],
      ['print', undefined],
      ['navigateTo', true],
    ]);
    expect(formatReport(r)).toContain('dock() (not simulated)');
    const bad = await run(target, 'setLight("red");');
    expect(bad.error).toMatchObject({ kind: 'validation', primitive: 'setLight' });
  });

  it('a robot whose interfaces cannot be opened is closed again, and the error names the entry', async () => {
    const bridge = await RosbridgeTestServer.start({ flavor: 'ros1' });
    const robot = new InterfaceRobot(bridge);
    cleanup.push(
      () => bridge.close(),
      () => robot.close(),
    );
    const path = join(dir, 'missing.json');
    writeFileSync(path, JSON.stringify({ interfaces: [{ primitive: 'charge', service: '/charge' }] }));
    const err = await rejection(openRosRobot({ world: 'mobile', seed: 0, backend: 'ros', url: bridge.url, configPath: path, rehearse: true }));
    expect(err).toBeInstanceOf(WandError);
    expect((err as WandError).message).toMatch(/charge \(service \/charge\): the robot has no service \/charge/);
    await until(() => bridge.clientCount() === 0);
  });
});

describe('ready interfaces entries for wand ros inspect', () => {
  it.each(['ros1', 'ros2'] as const)('%s: the entries suggested for the names given open on the robot as they are', async (flavor) => {
    const { RosLink } = await import('../src/ros/link.ts');
    const { Rosapi } = await import('../src/ros/rosapi.ts');
    const { interfacesSnippet, publishedByRobot, suggestEntries } = await import('../src/ros/interfaces/suggest.ts');
    const bridge = await RosbridgeTestServer.start({ flavor });
    const robot = new InterfaceRobot(bridge, { flavor });
    const link = new RosLink(bridge.url, 'commands');
    cleanup.push(
      () => bridge.close(),
      () => robot.close(),
      () => link.close(),
    );
    await link.open(3000);
    const rosapi = new Rosapi(link);
    const found = await rosapi.interfaces();
    const names = ['/dock', '/light/color', '/battery_state', robot.navName, '/cmd_vel', '/nothing/here'];
    const { entries, unknown } = await suggestEntries(found, names, publishedByRobot((s, a) => rosapi.call(s, a)));
    expect(unknown).toEqual(['/nothing/here']);
    const nav = flavor === 'ros2' ? { primitive: 'navigateToPose', action: '/navigate_to_pose', type: 'nav2_msgs/action/NavigateToPose' } : { primitive: 'moveBase', action: '/move_base', type: 'move_base_msgs/MoveBase' };
    expect(entries).toEqual([
      { primitive: 'dock', service: '/dock', type: flavor === 'ros2' ? 'std_srvs/srv/Trigger' : 'std_srvs/Trigger', doc: 'Call /dock.', timeoutS: 10 },
      { primitive: 'lightColor', topic: '/light/color', type: expect.stringMatching(/^std_msgs\/(msg\/)?ColorRGBA$/), doc: 'Publish on /light/color.', maxRateHz: 10 },
      { primitive: 'batteryState', read: '/battery_state', type: expect.stringMatching(/BatteryState$/), doc: 'The latest message on /battery_state.', maxAgeS: 5 },
      { ...nav, doc: `Send a goal to ${robot.navName} and wait for its result.`, timeoutS: 60, motion: true },
      { primitive: 'cmdVel', topic: '/cmd_vel', type: expect.stringMatching(/Twist$/), doc: 'Publish on /cmd_vel.', maxRateHz: 10, motion: true },
    ]);
    // Pasted into a config, they open on the robot as they are.
    const snippet = interfacesSnippet(entries);
    expect(snippet.split('\n')[1]).toMatch(/^ {2}\{ "primitive": "dock", "service": "\/dock", /);
    const path = join(dir, `suggested-${flavor}.json`);
    writeFileSync(path, `{ ${snippet} }`);
    const target = await openRosRobot({ world: 'mobile', seed: 0, backend: 'ros', url: bridge.url, configPath: path, rehearse: true });
    cleanup.push(() => target.backend.dispose());
    expect(target.primitives.map((p) => p.name)).toEqual(expect.arrayContaining(['dock', 'lightColor', 'batteryState', nav.primitive, 'cmdVel']));
  });
});

describe('an arm with declared interfaces', () => {
  it('opens them like a mobile base: real on the robot, stand-ins in its twin and in the simulated arm', async () => {
    const { simulatorArm, startArmBridge } = await import('./helpers/ros-arm.ts');
    const { bridge } = await startArmBridge({ flavor: 'ros2', ...simulatorArm(), objects: [] });
    const robot = new InterfaceRobot(bridge, { flavor: 'ros2' });
    cleanup.push(
      () => bridge.close(),
      () => robot.close(),
    );
    const path = join(dir, 'arm.json');
    writeFileSync(path, JSON.stringify({ profile: 'arm', objects: { names: {} }, interfaces: [{ primitive: 'batteryLevel', read: '/battery_state', field: 'percentage' }, { primitive: 'dock', service: '/dock' }] }));
    const target = await openRosRobot({ world: 'tabletop', profile: 'arm', seed: 0, backend: 'ros', url: bridge.url, configPath: path, rehearse: true });
    cleanup.push(() => target.backend.dispose());
    expect(target.primitives.map((p) => p.name)).toEqual(expect.arrayContaining(['pick', 'putOn', 'batteryLevel', 'dock']));
    const r = await run(target, 'print(batteryLevel().value, dock().success);');
    expect(r.error).toBeNull();
    expect(r.output).toEqual(['0.8 true']);
    expect(r.rehearsal).toMatchObject({ ok: true, output: ['0 false'], notSimulated: ['batteryLevel', 'dock'] });

    const simulated = await openSimulator({ world: 'tabletop', profile: 'arm', seed: 0, backend: 'sim', configPath: path, rehearse: true });
    cleanup.push(() => simulated.backend.dispose());
    const s = await run(simulated, 'print(batteryLevel().value);');
    expect(s.output).toEqual(['null']);
    expect(s.calls[0]).toMatchObject({ primitive: 'batteryLevel', notSimulated: true });
  });
});
