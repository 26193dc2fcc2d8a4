import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, WAND, type CliResult } from './helpers/cli.ts';
import { RosbridgeTestServer } from './helpers/rosbridge-server.ts';

// `wand run --backend ros` as a user runs it: a child process talking to the test rosbridge on loopback.

let bridge: RosbridgeTestServer;
let config: string;

beforeAll(async () => {
  bridge = await RosbridgeTestServer.start();
  const dir = mkdtempSync(join(tmpdir(), 'wand-ros-'));
  config = join(dir, 'robot.json');
  writeFileSync(config, JSON.stringify({ limits: { maxLinear: 0.4, maxAngular: 1.5, maxAccel: 2 }, places: { dock: [0.3, 0] } }));
});
afterAll(() => bridge.close());

/** `wand run` on the test robot; the program comes on standard input unless a file is given, then stdin carries `input`. */
function start(program: string, extra: string[] = [], opts: { file?: string; input?: string; url?: string } = {}) {
  const child = spawn(process.execPath, [WAND, 'run', opts.file ?? '-', '--backend', 'ros', '--url', opts.url ?? bridge.url, '--json', ...extra], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(opts.file ? (opts.input ?? '') : program);
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const moving = () => bridge.publishes('/cmd_vel').filter((f) => f.frame.msg.linear.x !== 0 || f.frame.msg.angular.z !== 0);

async function until(ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!ok()) {
    if (performance.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('wand run --backend ros', () => {
  it('runs on the robot after a rehearsal, with the simulator result shape', async () => {
    const { done } = start(`goTo("dock");\nturn(45);\nprint(getPose());`, ['--config', config]);
    const r = await done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(Object.keys(result).sort()).toEqual(['calls', 'error', 'ok', 'output', 'rehearsal', 'simTimeS', 'state', 'wallTimeMs', 'world']);
    expect(result.ok).toBe(true);
    expect(result.state.robot.pose).toEqual({ x: expect.any(Number), y: expect.any(Number), yaw: expect.any(Number) });
    expect(result.state.robot.pose.x).toBeCloseTo(0.3, 1);
    expect(result.state.robot.pose.yaw).toBeCloseTo(45, 0);
    expect(result.state).toMatchObject({ holding: null, objects: [] });
    expect(result.world.namedPositions.dock).toEqual({ x: 0.3, y: 0, z: 0 });
    expect(result.rehearsal).toMatchObject({ ok: true, error: null, simTimeS: expect.any(Number), calls: 4, envelope: [] });
    expect(bridge.robot.x).toBeCloseTo(0.3, 1);
    // Clean exit: both links closed after a last zero command.
    await until(() => bridge.clientCount() === 0, 2000);
  });

  it('a program that would leave the geofence never reaches the robot', async () => {
    const before = moving().length;
    const r = await start(`turn(90);\ndrive(0.5);\ndrive(3);`).done;
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.error.kind).toBe('safety');
    expect(result.error.message).toMatch(/rehearsal .* robot was not moved: drive\(3\): refused by the geofence/);
    expect(result.error.line).toBe(3);
    expect(result.calls).toEqual([]);
    expect(result.rehearsal).toMatchObject({ ok: false, error: { kind: 'safety' }, calls: 3 });
    expect(moving().length).toBe(before); // not even the harmless turn went out
  });

  it('a collision the program caught in the rehearsal still keeps the robot still, and names its line', async () => {
    const walled = await RosbridgeTestServer.start({ walls: [[1, -3, 1, 3]] });
    try {
      const r = await start(`print(1);\ntry { drive(1.5); } catch (e) { print("caught"); }`, [], { url: walled.url }).done;
      expect(r.code).toBe(1);
      const result = JSON.parse(r.stdout);
      expect(result.error).toMatchObject({ kind: 'physical', primitive: 'drive', line: 2 });
      expect(result.error.message).toMatch(/rehearsal .* robot was not moved: the robot hit/);
      expect(result.rehearsal).toMatchObject({ ok: false, error: null, output: ['1', 'caught'] });
      expect(result.calls).toEqual([]);
    } finally {
      await walled.close();
    }
  });

  it('--no-rehearse: the robot-side envelope still refuses before any command', async () => {
    const before = moving().length;
    const r = await start(`print("hi");\ndrive(-3);`, ['--no-rehearse']).done;
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.rehearsal).toBeUndefined();
    expect(result.output).toEqual(['hi']);
    expect(result.error).toMatchObject({ kind: 'safety', primitive: 'drive', line: 2 });
    expect(result.error.message).toMatch(/geofence/);
    expect(moving().length).toBe(before);
  });

  it('--approve: the robot moves only after the person says yes, having seen the program and its rehearsal', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wand-approve-')), 'turn.js');
    writeFileSync(file, 'turn(30);\nprint(getPose().yaw);');
    const before = moving().length;
    const refused = await start('', ['--approve'], { file, input: 'n\n' }).done;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('turn(30);');
    expect(refused.stderr).toMatch(/Rehearsal in the simulator: passed \(3 calls[\s\S]*Run it on the robot\? \[y\/N\]/);
    const no = JSON.parse(refused.stdout);
    expect(no.error).toEqual({ kind: 'aborted', message: 'the program was not approved, so the robot was not moved' });
    expect(no.rehearsal.ok).toBe(true);
    expect(no.calls).toEqual([]);
    expect(moving().length).toBe(before);

    const approved = await start('', ['--approve'], { file, input: 'y\n' }).done;
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout).output).toHaveLength(1);
    expect(moving().length).toBeGreaterThan(before);
  });

  it('wand ask --approve: the model\'s program waits for the person, who reads replies and answers on one standard input', async () => {
    const before = moving().length;
    const child = spawn(
      process.execPath,
      [WAND, 'ask', 'turn left a little', '--backend', 'ros', '--url', bridge.url, '--llm', 'manual', '--approve', '--no-verify', '--json'],
      { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end('```js\nturn(20);\n```\n.\nno\n');
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toMatch(/===== your reply[\s\S]*1 \| turn\(20\);[\s\S]*Run it on the robot\? \[y\/N\]/);
    const outcome = JSON.parse(stdout);
    expect(outcome.ok).toBe(false);
    expect(outcome.rounds).toHaveLength(1);
    expect(outcome.rounds[0].result.error.message).toBe('the program was not approved, so the robot was not moved');
    expect(code).not.toBe(0);
    expect(moving().length).toBe(before);
  });

  it('an unreachable rosbridge is a connection error: one JSON result with --json, one line on stderr without', async () => {
    const run = (json: boolean) =>
      new Promise<CliResult>((resolve) => {
        const child = spawn(process.execPath, [WAND, 'run', '-', '--backend', 'ros', '--url', 'ws://127.0.0.1:9', ...(json ? ['--json'] : [])], { cwd: ROOT });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.stdin.end('drive(0.1);');
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const json = await run(true);
    expect(json.code).toBe(1);
    const result = JSON.parse(json.stdout);
    expect(result).toMatchObject({ ok: false, error: { kind: 'connection' }, calls: [], output: [], state: { objects: [] } });
    expect(result.error.message).toMatch(/cannot connect to rosbridge at ws:\/\/127\.0\.0\.1:9/);
    const text = await run(false);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe('');
    expect(text.stderr).toMatch(/^wand: cannot connect to rosbridge/);
  });

  it('--approve needs the program in a file, since the answer comes on standard input', async () => {
    const r = await start('turn(10);', ['--approve']).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--approve reads your answer from standard input/);
  });

  it('Ctrl-C publishes a zero command at once and exits (bench/ros.ts measures how soon: goal 100 ms)', async () => {
    const before = moving().length;
    const { child, done } = start(`drive(1.5);`, ['--no-rehearse']);
    await until(() => moving().length > before + 3);
    const sentAt = bridge.elapsedMs();
    child.kill('SIGINT');
    await until(() => bridge.publishes('/cmd_vel').some((f) => f.t >= sentAt && f.frame.msg.linear.x === 0), 2000);
    const zero = bridge.publishes('/cmd_vel').find((f) => f.t >= sentAt && f.frame.msg.linear.x === 0)!;
    expect(zero.t - sentAt).toBeLessThan(1000); // a hang guard on a busy machine, not the goal
    const r = await done;
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ kind: 'aborted', message: 'stopped by Ctrl-C' });
    // Nothing moving was sent after the zero.
    expect(bridge.publishes('/cmd_vel').filter((f) => f.t > zero.t && f.frame.msg.linear.x !== 0)).toEqual([]);
  });

  it('Ctrl-C while it is still connecting ends at once with one JSON result, and the robot never moves', async () => {
    // Without odometry Wand waits for it after connecting (3 s): the Ctrl-C lands in the middle of start-up.
    bridge.stopOdometry();
    try {
      const before = moving().length;
      const clients = bridge.clientCount();
      const { child, done } = start(`drive(0.5);`);
      await until(() => bridge.clientCount() >= clients + 2);
      child.kill('SIGINT');
      const r = await done;
      expect(r.code).toBe(1);
      expect(r.stdout.trim().split('\n')).toHaveLength(1);
      // Had the Ctrl-C been ignored, this would be the missing odometry's connection error.
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { kind: 'aborted', message: 'stopped by Ctrl-C' }, calls: [], output: [] });
      expect(moving().length).toBe(before);
      await until(() => bridge.clientCount() === clients); // and it hung up
    } finally {
      bridge.resumeOdometry();
    }
  });

  it('a lost connection mid-motion aborts the program with kind connection', async () => {
    const before = moving().length;
    const { done } = start(`drive(1.5);\nprint("never");`, ['--no-rehearse']);
    await until(() => moving().length > before + 3);
    const t0 = performance.now();
    bridge.killConnections();
    const r = await done;
    expect(performance.now() - t0).toBeLessThan(10_000); // not waiting for a reconnect; a hang guard
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.error.kind).toBe('connection');
    expect(result.error.message).toMatch(/lost the (commands|telemetry) connection/);
    expect(result.output).toEqual([]);
  });
});
