import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, WAND, wand, type CliResult } from './helpers/cli.ts';
import { simulatorArm, startArmBridge, type TestArm } from './helpers/ros-arm.ts';
import type { RosbridgeTestServer } from './helpers/rosbridge-server.ts';

// `wand run --profile arm` and `wand ros inspect` as a user runs them: child processes talking to the test
// bridge's arm on loopback.

const sim = simulatorArm();
let bridge: RosbridgeTestServer;
let arm: TestArm;
let dir: string;
let config: string;

beforeAll(async () => {
  ({ bridge, arm } = await startArmBridge({
    flavor: 'ros2',
    ...sim,
    timeScale: 2,
    objects: [
      { classId: 'cube_red', name: 'red block', position: { x: 0.45, y: 0.1, z: 0.02 } },
      { classId: 'bowl_blue', name: 'blue bowl', position: { x: 0.6, y: -0.12, z: 0.025 } },
    ],
  }));
  dir = mkdtempSync(join(tmpdir(), 'wand-arm-'));
  config = join(dir, 'arm.json');
  writeFileSync(
    config,
    JSON.stringify({
      profile: 'arm',
      objects: { topic: '/detections', names: { cube_red: 'red block', bowl_blue: 'blue bowl' } },
      workspace: { x: [0.25, 0.75], y: [-0.3, 0.3], z: [0, 0.5] },
      limits: { maxJointSpeed: 2, maxToolSpeed: 0.4 },
    }),
  );
});
afterAll(() => bridge.close());

function start(program: string, extra: string[] = []) {
  const file = join(dir, `prog-${Math.random().toString(36).slice(2)}.js`);
  writeFileSync(file, program);
  const child = spawn(process.execPath, [WAND, 'run', file, '--backend', 'ros', '--url', bridge.url, '--profile', 'arm', '--config', config, '--json', ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

async function until(ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!ok()) {
    if (performance.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('wand run --backend ros --profile arm', () => {
  it('runs a tabletop program on the arm with the simulator result shape, in the config workspace', async () => {
    const r = await start(`putOn("red block", "blue bowl");\nprint(namedPosition("middle"));`).done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(Object.keys(result).sort()).toEqual(['calls', 'error', 'ok', 'output', 'rehearsal', 'simTimeS', 'state', 'wallTimeMs', 'world']);
    expect(result.rehearsal).toMatchObject({ ok: true, envelope: [] });
    expect(result.world).toMatchObject({ name: 'tabletop', bounds: { x: [0.25, 0.75], y: [-0.3, 0.3], z: [0, 0.5] } });
    expect(JSON.parse(result.output[0])).toEqual({ x: 0.5, y: 0, z: 0 });
    const block = result.state.objects.find((o: { name: string }) => o.name === 'red block');
    expect(Math.hypot(block.position.x - 0.6, block.position.y + 0.12)).toBeLessThan(0.03);
    expect(result.state.holding).toBeNull();
    await until(() => bridge.clientCount() === 0, 3000);
  });

  it('validation and workspace errors are those of the simulator, and nothing moves', async () => {
    const before = arm.goals.length;
    const bad = JSON.parse((await start(`moveTo({x: 0.9, y: 0, z: 0.1});`).done).stdout);
    expect(bad.error).toMatchObject({ kind: 'workspace', line: 1, primitive: 'moveTo' });
    expect(bad.error.message).toMatch(/outside the reachable workspace \(x 0.25..0.75, y -0.3..0.3, z 0..0.5\)/);
    const unknown = JSON.parse((await start(`pick("green block");`).done).stdout);
    expect(unknown.error).toMatchObject({ kind: 'unknown_object' });
    expect(arm.goals.length).toBe(before);
  });

  it('Ctrl-C cancels the running goal and holds the arm at its current joints', async () => {
    const { child, done } = start(`moveTo({x: 0.7, y: 0.25, z: 0.1});\nmoveTo({x: 0.3, y: -0.25, z: 0.1});`, ['--no-rehearse']);
    const before = arm.goals.length;
    await until(() => arm.goals.length > before + 1);
    const at = bridge.elapsedMs();
    child.kill('SIGINT');
    const r = await done;
    const result = JSON.parse(r.stdout);
    expect(result.error).toMatchObject({ kind: 'aborted', message: 'stopped by Ctrl-C' });
    const after = bridge.frames.filter((f) => f.t >= at);
    const cancel = after.findIndex((f) => f.frame.op === 'cancel_action_goal');
    const hold = after.findIndex((f) => f.frame.op === 'send_action_goal' && f.frame.args.trajectory?.points.length === 1);
    expect(cancel).toBeGreaterThanOrEqual(0);
    expect(hold).toBeGreaterThan(cancel);
    // The hold is where the arm was: close to its joints when it arrived.
    const held = after[hold]!.frame.args.trajectory.points[0].positions as number[];
    expect(Math.max(...held.map((q, i) => Math.abs(q - arm.q[i]!)))).toBeLessThan(0.1);
  });

  it('refuses a misspelt config key, naming it', async () => {
    const badConfig = join(dir, 'bad.json');
    writeFileSync(badConfig, JSON.stringify({ profile: 'arm', limits: { maxToolSped: 0.3 } }));
    const r = await wand(['run', '-', '--backend', 'ros', '--url', bridge.url, '--profile', 'arm', '--config', badConfig], { stdin: 'home()' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/limits: Unrecognized key: "maxToolSped"/);
  });

  it('tries the program on the simulated twin from the config first, with no robot at all', async () => {
    const scene = join(dir, 'scene.json');
    writeFileSync(scene, JSON.stringify({ objects: [{ kind: 'block', color: 'red', position: { x: 0.45, y: 0.1 } }, { kind: 'bowl', color: 'blue', position: { x: 0.6, y: -0.12 } }] }));
    const r = await wand(['run', '-', '--profile', 'arm', '--config', config, '--scene', scene, '--json'], { stdin: 'putOn("red block", "blue bowl")' });
    expect(r.stderr).toBe('');
    const result = JSON.parse(r.stdout);
    expect(result.ok).toBe(true);
    expect(result.world.bounds.x).toEqual([0.25, 0.75]);
  });
});

describe('wand ask --backend ros --profile arm', () => {
  it('the model sees the arm world (its workspace, its objects) and its program runs on the arm', async () => {
    const { startOpenAIServer } = await import('./helpers/openai-server.ts');
    const model = await startOpenAIServer(['```js\nmoveTo({x: 0.5, y: 0, z: 0.25});\nprint(getObjectNames());\n```', 'done: yes\ncritique: it moved.']);
    try {
      const r = await wand(['ask', 'move above the middle', '--backend', 'ros', '--url', bridge.url, '--profile', 'arm', '--config', config, '--json'], {
        cwd: dir,
        env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: model.url, WAND_MODEL: '' },
      });
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ ok: true, final: { ok: true, rehearsal: { ok: true } } });
      expect(out.final.output[0]).toMatch(/red block/);
      const system = model.chats()[0]!.body.messages[0].content as string;
      expect(system).toMatch(/Reach: x 0.25..0.75, y -0.3..0.3, z 0..0.5/);
      expect(Math.abs(arm.toolPoint().z - 0.25)).toBeLessThan(0.01);
    } finally {
      await model.close();
    }
  });

  it('--approve: the arm moves only after a yes', async () => {
    const before = arm.goals.length;
    const file = join(dir, 'approve.js');
    writeFileSync(file, 'moveTo({x: 0.45, y: 0.05, z: 0.3});');
    const no = await wand(['run', file, '--backend', 'ros', '--url', bridge.url, '--profile', 'arm', '--config', config, '--approve', '--json'], { stdin: 'n\n' });
    expect(JSON.parse(no.stdout).error.message).toBe('the program was not approved, so the robot was not moved');
    expect(no.stderr).toMatch(/Run it on the robot\? \[y\/N\]/);
    expect(arm.goals.length).toBe(before);
    const yes = await wand(['run', file, '--backend', 'ros', '--url', bridge.url, '--profile', 'arm', '--config', config, '--approve', '--json'], { stdin: 'y\n' });
    expect(JSON.parse(yes.stdout).ok).toBe(true);
    expect(arm.goals.length).toBeGreaterThan(before);
  });

  it('an arm config without --profile arm is refused before anything connects', async () => {
    const r = await wand(['run', '-', '--backend', 'ros', '--url', bridge.url, '--config', config], { stdin: 'home()' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is for the "arm" profile; run with --profile arm/);
  });
});

describe('wand ros inspect', () => {
  it('lists topics, services and actions with types, and suggests configs', async () => {
    const r = await wand(['ros', 'inspect', '--url', bridge.url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ROS 2 \(humble\) at ws:/);
    expect(r.stdout).toMatch(/\/joint_states\s+sensor_msgs\/msg\/JointState/);
    expect(r.stdout).toMatch(/\/arm_controller\/follow_joint_trajectory\s+control_msgs\/action\/FollowJointTrajectory/);
    const json = JSON.parse((await wand(['ros', 'inspect', '--url', bridge.url, '--json'])).stdout);
    expect(json.suggestions.arm.config).toMatchObject({
      profile: 'arm',
      jointStates: '/joint_states',
      trajectory: { action: '/arm_controller/follow_joint_trajectory' },
      gripper: { action: '/gripper_controller/gripper_cmd' },
      objects: { topic: '/detections' },
      rosVersion: 2,
    });
    expect(json.suggestions.mobile.missing.length).toBeGreaterThan(0); // an arm has no /cmd_vel
  });

  it('says why when rosbridge is not there', async () => {
    const r = await wand(['ros', 'inspect', '--url', 'ws://127.0.0.1:1', '--timeout', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot connect to rosbridge at ws:\/\/127.0.0.1:1/);
  });
});
