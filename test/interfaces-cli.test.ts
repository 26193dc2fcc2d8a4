import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { ROOT, WAND, wand } from './helpers/cli.ts';
import { InterfaceRobot } from './helpers/robot-interfaces.ts';
import { RosbridgeTestServer } from './helpers/rosbridge-server.ts';

// `wand run --backend ros --config FILE` with declared interfaces, as a user runs it (ROS 2 flavour).

let bridge: RosbridgeTestServer;
let robot: InterfaceRobot;
const dir = mkdtempSync(join(tmpdir(), 'wand-interfaces-cli-'));
const config = join(dir, 'robot.json');
const program = join(dir, 'nav.js');

beforeAll(async () => {
  bridge = await RosbridgeTestServer.start({ flavor: 'ros2' });
  robot = new InterfaceRobot(bridge, { flavor: 'ros2', navSeconds: 0.6 });
  writeFileSync(
    config,
    JSON.stringify({
      geofence: { radius: 3 },
      interfaces: [
        { primitive: 'dock', service: '/dock', doc: 'Drive onto the charging dock.' },
        { primitive: 'navigateTo', action: '/navigate_to_pose', doc: 'Navigate to a pose.', timeoutS: 20 },
      ],
    }),
  );
  writeFileSync(program, 'navigateTo({ pose: { header: { frame_id: "odom" }, pose: { position: { x: 1, y: 0 } } } });\nprint(dock().message);');
});
afterAll(async () => {
  robot.close();
  await bridge.close();
});

const args = (...extra: string[]) => ['run', program, '--backend', 'ros', '--url', bridge.url, '--config', config, ...extra];

describe('wand run with declared interfaces', () => {
  it('refuses a program with unrehearsable motion without --approve (exit 1, kind safety, nothing sent)', async () => {
    const r = await wand(args('--json'));
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.error.kind).toBe('safety');
    expect(result.error.message).toMatch(/navigateTo moves the robot and cannot be rehearsed/);
    expect(result.rehearsal).toMatchObject({ ok: true, notSimulated: ['navigateTo', 'dock'] });
    expect(robot.goals).toEqual([]);
  });

  it('with --approve and a yes: the prompt says what was not rehearsed, progress shows on stderr, the report says so', async () => {
    const r = await wand(args('--approve'), { stdin: 'y\n' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Not simulated \(stand-ins answered\): navigateTo, dock\.\nNOT REHEARSED: it calls navigateTo, which moves the robot/);
    expect(r.stderr).toMatch(/ {2}navigateTo: number_of_recoveries 0, distance_remaining \d/);
    expect(r.stdout).toMatch(/✓ line 1: navigateTo\(\{"pose":/);
    expect(r.stdout).toContain('      last progress: ');
    expect(r.stdout).toContain('Unrehearsed motion approved by you: navigateTo.');
    expect(r.stdout).toMatch(/Output:\n {2}docked/);
    expect(robot.goals).toHaveLength(1);
    expect(robot.goals[0]!.outcome).toBe('succeeded');
  });
});

describe('Ctrl-C during an action', () => {
  it('cancels the goal on the robot before wand exits', async () => {
    const allow = join(dir, 'allow.json');
    writeFileSync(allow, JSON.stringify({ geofence: { radius: 3 }, unrehearsed: 'allow', interfaces: [{ primitive: 'navigateTo', action: '/navigate_to_pose', timeoutS: 60 }] }));
    const slowBridge = await RosbridgeTestServer.start({ flavor: 'ros2' });
    const slow = new InterfaceRobot(slowBridge, { flavor: 'ros2', navSeconds: 60 });
    try {
      const child = spawn(process.execPath, [WAND, 'run', program, '--backend', 'ros', '--url', slowBridge.url, '--config', allow, '--json', '--no-rehearse'], {
        cwd: ROOT,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stdin.end();
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      const end = performance.now() + 20_000;
      while (slow.goals.length === 0 && performance.now() < end) await new Promise((r) => setTimeout(r, 5));
      const goal = slow.goals.at(-1)!;
      expect(goal.outcome).toBeNull();
      child.kill('SIGINT');
      expect(await closed).toBe(1);
      expect(JSON.parse(stdout).error.kind).toBe('aborted');
      expect(slow.cancels.map((c) => c.id)).toContain(goal.id);
      expect(goal.outcome).toBe('canceled');
    } finally {
      slow.close();
      await slowBridge.close();
    }
  });
});

describe('wand ros inspect with names', () => {
  it('lists the robot and prints a ready interfaces entry for each name given', async () => {
    const r = await wand(['ros', 'inspect', '--url', bridge.url, '/dock', '/battery_state', '/navigate_to_pose', '/light/color']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Services \(\d+\):[\s\S]*\/dock +std_srvs\/srv\/Trigger/);
    expect(r.stdout).toMatch(/Actions \(1\):\n {2}\/navigate_to_pose +nav2_msgs\/action\/NavigateToPose/);
    const snippet = r.stdout.slice(r.stdout.indexOf('"interfaces": ['));
    expect(snippet.split('\n').slice(0, 5)).toEqual([
      '"interfaces": [',
      '  { "primitive": "dock", "service": "/dock", "type": "std_srvs/srv/Trigger", "doc": "Call /dock.", "timeoutS": 10 },',
      '  { "primitive": "batteryState", "read": "/battery_state", "type": "sensor_msgs/msg/BatteryState", "doc": "The latest message on /battery_state.", "maxAgeS": 5 },',
      '  { "primitive": "navigateToPose", "action": "/navigate_to_pose", "type": "nav2_msgs/action/NavigateToPose", "doc": "Send a goal to /navigate_to_pose and wait for its result.", "timeoutS": 60, "motion": true },',
      '  { "primitive": "lightColor", "topic": "/light/color", "type": "std_msgs/msg/ColorRGBA", "doc": "Publish on /light/color.", "maxRateHz": 10 }',
    ]);
  });

  it('--json carries the entries; a name the robot lacks is reported and exits 1', async () => {
    const r = await wand(['ros', 'inspect', '--url', bridge.url, '--json', '/dock', '/no_such_thing']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not on the robot (no such topic, service or action): /no_such_thing');
    const out = JSON.parse(r.stdout);
    expect(out.interfaces).toEqual([{ primitive: 'dock', service: '/dock', type: 'std_srvs/srv/Trigger', doc: 'Call /dock.', timeoutS: 10 }]);
    expect(out.unknown).toEqual(['/no_such_thing']);
    const bad = await wand(['ros', 'inspect', '--url', bridge.url, 'not a name']);
    expect(bad.code).toBe(2);
  });
});
