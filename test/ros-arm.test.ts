import { afterEach, describe, expect, it } from 'vitest';
import { primitivesFor } from '../primitives/index.ts';
import { WandError } from '../src/core/errors.ts';
import { loadArmModel } from '../src/kinematics/arm-model.ts';
import { RosArmBackend } from '../src/ros/arm/backend.ts';
import { parseArmConfig } from '../src/ros/arm/config.ts';
import { executeProgram } from '../src/run/execute.ts';
import { rejection } from './helpers/errors.ts';
import { simulatorArm, startArmBridge, type TestArm, type TestArmOptions, type TestObject } from './helpers/ros-arm.ts';
import type { Flavor } from './helpers/rosbridge-server.ts';

// The arm backend against the test bridge's arm (trajectory controller, gripper, joint states, detections,
// rosapi), with the real roslib client, on ROS 1 and ROS 2. The test arm runs on a clock three times the wall
// clock, as a simulation might; its joint state stamps say so, and the backend keeps to the arm's time.

const never = new AbortController().signal;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sim = simulatorArm();
const OBJECTS: TestObject[] = [
  { classId: '1', name: 'red block', position: { x: 0.5, y: 0.12, z: 0.02 } },
  { classId: '2', name: 'blue bowl', position: { x: 0.62, y: -0.15, z: 0.025 } },
];
const FAST = { limits: { maxToolSpeed: 0.5, maxJointSpeed: 2 }, objects: { names: { '1': 'red block', '2': 'blue bowl' } } };

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

async function setup(flavor: Flavor, config: object = FAST, arm: Partial<TestArmOptions> = {}) {
  const made = await startArmBridge({ flavor, ...sim, objects: OBJECTS, timeScale: 3, ...arm });
  const robot = await RosArmBackend.open({ url: made.bridge.url, config: parseArmConfig(config), link: { retryMinMs: 50, retryMaxMs: 200 } });
  cleanup.push(
    () => robot.dispose(),
    () => made.bridge.close(),
  );
  return { ...made, robot, target: { backend: robot, primitives: primitivesFor('tabletop'), label: 'test arm' } };
}

const dist = (a: { x: number; y: number; z: number }, b: { x: number; y: number; z: number }) => Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);

/** Trajectory goals with one point: the holds sent on a stop. */
const holds = (arm: TestArm) => arm.goals.filter((g) => g.goal.trajectory.points.length === 1);

describe.each(['ros1', 'ros2'] as const)('ROS arm (%s)', (flavor) => {
  it('runs a pick-and-place program: rehearsed, then every move a checked trajectory from the measured joints', async () => {
    const { robot, arm, target } = await setup(flavor);
    const result = await executeProgram({ source: `putOn("red block", "blue bowl");\nprint(holding());`, target });
    expect(result.error).toBeNull();
    expect(result.ok).toBe(true);
    expect(result.rehearsal).toMatchObject({ ok: true, envelope: [] });
    expect(result.output).toEqual(['null']);
    // On the robot: the block is in the bowl, the gripper empty.
    const block = arm.objectNamed('red block')!.position;
    expect(Math.hypot(block.x - 0.62, block.y + 0.15)).toBeLessThan(0.03);
    expect(arm.heldName()).toBeNull();
    expect(robot.objects().find((o) => o.name === 'red block')!.position.x).toBeCloseTo(block.x, 2);
    // Every goal named the controller's joints, and the arm accepted them all (it rejects a first point far from where it is).
    expect(arm.goals.length).toBeGreaterThan(5);
    for (const g of arm.goals) expect(g.goal.trajectory.joint_names).toEqual(sim.model.joints.map((j) => j.name));
    expect(arm.goals.filter((g) => g.outcome === 'rejected' || g.outcome === 'aborted')).toEqual([]);
    expect(arm.gripper.received.map((g) => g.goal.command.position)).toEqual([0.085, 0, 0.085]);
    // Joint states come in alphabetical order with the finger joint among them: matched by name.
    const measured = robot.joints();
    expect(Math.max(...measured.map((q, i) => Math.abs(q - arm.q[i]!)))).toBeLessThan(0.01);
    // The state names joints by name; the result looks like the simulator's.
    expect(Object.keys(result.state.robot.joints as object)).toEqual(sim.model.joints.map((j) => j.name));
    expect(result.state.robot).toMatchObject({ tool: expect.any(Object), gripper: 'open' });
  });

  it('sends a long move as a chain of short goals, each replacing the last before it ends', async () => {
    const { robot, arm } = await setup(flavor, { ...FAST, limits: { maxToolSpeed: 0.12, maxJointSpeed: 2 } });
    const program = await robot.beginProgram();
    await robot.moveTo({ x: 0.7, y: -0.2, z: 0.15 }, program);
    expect(dist(arm.toolPoint(), { x: 0.7, y: -0.2, z: 0.15 })).toBeLessThan(0.01);
    const goals = arm.goals;
    expect(goals.length).toBeGreaterThanOrEqual(3);
    // Each ~1 s of motion (robot time), replaced by the next while still running: the arm never stopped between them.
    expect(goals.slice(0, -1).map((g) => g.outcome)).toEqual(goals.slice(0, -1).map(() => 'canceled'));
    expect(goals.at(-1)!.outcome).toBe('succeeded');
    for (const g of goals) {
      const pts = g.goal.trajectory.points;
      const last = pts.at(-1).time_from_start;
      expect((last.secs ?? last.sec) + (last.nsecs ?? last.nanosec) / 1e9).toBeLessThan(1.5);
    }
  });

  it('a goal the controller aborts fails the motion with its error code (kind physical)', async () => {
    const { robot, arm } = await setup(flavor);
    const program = await robot.beginProgram();
    arm.failNext = { code: -4, afterS: 0.1, text: 'shoulder_lift_joint path error' };
    const err = await rejection(robot.moveTo({ x: 0.6, y: 0.1, z: 0.2 }, program));
    expect(err.kind).toBe('physical');
    expect(err.message).toMatch(/aborted the trajectory: PATH_TOLERANCE_VIOLATED \(-4\).*shoulder_lift_joint path error/);
  });

  it('a rejected goal and a goal that never finishes are physical errors too', async () => {
    const { robot, arm } = await setup(flavor);
    const program = await robot.beginProgram();
    arm.rejectNext = true;
    const rejected = await rejection(robot.moveTo({ x: 0.45, y: 0, z: 0.25 }, program));
    expect(rejected.kind).toBe('physical');
    expect(rejected.message).toMatch(/rejected the trajectory/);
    // After a failed motion the arm is told to hold where it is.
    while (holds(arm).length === 0) await sleep(10);
    arm.stallNext = true;
    const stalled = await rejection(robot.moveTo({ x: 0.45, y: 0.05, z: 0.25 }, program));
    expect(stalled.kind).toBe('physical');
    expect(stalled.message).toMatch(/did not finish its trajectory in time/);
  });

  it('stopping cancels the running goal and holds the arm where it is', async () => {
    const { robot, arm, bridge } = await setup(flavor, { ...FAST, limits: { maxToolSpeed: 0.1, maxJointSpeed: 2 } });
    const stop = new AbortController();
    const signal = AbortSignal.any([stop.signal, await robot.beginProgram()]);
    const move = robot.moveTo({ x: 0.7, y: 0.2, z: 0.15 }, signal).catch((e) => e);
    while (arm.goals.length === 0) await sleep(10);
    await sleep(300);
    const at = bridge.elapsedMs();
    stop.abort(new WandError('aborted', 'stopped by the e-stop'));
    await robot.halt();
    const err = await move;
    expect(err).toBeInstanceOf(WandError);
    expect(err.message).toBe('stopped by the e-stop');
    await sleep(200);
    const cancelled = flavor === 'ros1' ? bridge.frames.filter((f) => f.frame.topic?.endsWith('follow_joint_trajectory/cancel') && f.frame.op === 'publish') : bridge.frames.filter((f) => f.frame.op === 'cancel_action_goal');
    expect(cancelled.filter((f) => f.t >= at).length).toBeGreaterThan(0);
    expect(holds(arm).length).toBe(1);
    const held = arm.q.slice();
    await sleep(300);
    expect(arm.q).toEqual(held); // still
    expect(dist(arm.toolPoint(), { x: 0.7, y: 0.2, z: 0.15 })).toBeGreaterThan(0.05);
  });

  it('loss of the bridge aborts the program with kind connection', async () => {
    const { robot, bridge } = await setup(flavor, { ...FAST, limits: { maxToolSpeed: 0.1, maxJointSpeed: 2 } });
    const program = await robot.beginProgram();
    const move = robot.moveTo({ x: 0.7, y: 0.2, z: 0.15 }, program).catch((e) => e);
    await sleep(400);
    bridge.killConnections();
    const err = await move;
    expect(err).toBeInstanceOf(WandError);
    expect(err.kind).toBe('connection');
    expect(program.aborted).toBe(true);
    expect(program.reason.message).toMatch(/lost the (commands|telemetry) connection/);
    // Disarmed until a new program: a move now is refused without reaching the robot.
    expect((await rejection(robot.moveTo({ x: 0.5, y: 0, z: 0.2 }, never))).kind).toBe('connection');
  });

  it('stale joint states stop the arm (kind safety) with a hold', async () => {
    const { robot, arm } = await setup(flavor, { ...FAST, limits: { maxToolSpeed: 0.1, maxJointSpeed: 2 } });
    const program = await robot.beginProgram();
    const move = robot.moveTo({ x: 0.7, y: 0.2, z: 0.15 }, program).catch((e) => e);
    while (arm.goals.length === 0) await sleep(10);
    arm.jointStatesOn = false;
    const err = await move;
    expect(err.kind).toBe('safety');
    expect(err.message).toMatch(/joint states on \/joint_states are stale/);
    await sleep(100);
    expect(holds(arm).length).toBe(1);
  });

  it('reports stale detections as stale instead of using them', async () => {
    const { robot, arm, target } = await setup(flavor, { ...FAST, objects: { ...FAST.objects, staleMs: 300 } });
    expect(robot.objects().map((o) => o.name)).toEqual(['blue bowl', 'red block']);
    arm.detectionsOn = false;
    await sleep(500);
    const err = (() => {
      try {
        robot.objects();
      } catch (e) {
        return e as WandError;
      }
    })();
    expect(err?.kind).toBe('connection');
    expect(err?.message).toMatch(/detections on \/detections are stale: the last arrived \d+ ms ago \(limit 300 ms\)/);
    expect(robot.state().objects).toEqual([]);
    const result = await executeProgram({ source: 'pick("red block")', target, rehearse: false });
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ kind: 'connection', message: expect.stringMatching(/stale/) });
    // With a rehearsal, there is no twin to rehearse in: nothing runs.
    const rehearsed = await executeProgram({ source: 'pick("red block")', target });
    expect(rehearsed.error).toMatchObject({ kind: 'connection', message: expect.stringMatching(/^the rehearsal could not start, so the robot was not moved: .*stale/) });
    expect(arm.goals).toHaveLength(0);
  });

  it('refuses a move below the table margin before anything is sent (kind safety), on the robot and in the rehearsal', async () => {
    const { robot, arm, target } = await setup(flavor, { ...FAST, table: { z: 0, margin: 0.01 } });
    const program = await robot.beginProgram();
    const err = await rejection(robot.moveTo({ x: 0.45, y: 0, z: 0.004 }, program));
    expect(err.kind).toBe('safety');
    expect(err.message).toMatch(/below the table top plus its 0.01 m margin; nothing moved/);
    robot.endProgram();
    const result = await executeProgram({ source: 'moveTo({x: 0.4, y: 0, z: 0.2});\nmoveTo({x: 0.45, y: 0, z: 0.005});', target });
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ kind: 'safety', line: 2 });
    expect(result.error!.message).toMatch(/rehearsal in the simulator failed, so the robot was not moved/);
    expect(arm.goals).toHaveLength(0);
  });

  it('refuses a move out of the workspace box (kind safety)', async () => {
    const { robot, arm } = await setup(flavor, { ...FAST, workspace: { x: [0.2, 0.8], y: [-0.3, 0.3], z: [0, 0.35] } });
    const program = await robot.beginProgram();
    const err = await rejection(robot.moveTo({ x: 0.4, y: 0, z: 0.4 }, program));
    expect(err.kind).toBe('safety');
    expect(err.message).toMatch(/would leave the workspace box at \(.*\) \(x 0.2..0.8, y -0.3..0.3, z 0..0.35\); nothing moved/);
    expect(arm.goals).toHaveLength(0);
    expect(robot.world().bounds).toEqual({ x: [0.2, 0.8], y: [-0.3, 0.3], z: [0, 0.35] });
  });
});

describe('ROS arm grasps', () => {
  it('a grasp that closes on nothing is a physical error, as in the simulator', async () => {
    const { arm, target } = await setup('ros2');
    arm.detectionError = { x: 0, y: 0.05, z: 0 }; // the detector puts the block 5 cm off
    const result = await executeProgram({ source: 'pick("red block");', target, rehearse: false });
    expect(result.error).toMatchObject({ kind: 'physical', line: 1, primitive: 'pick' });
    expect(result.error!.message).toMatch(/the grasp missed "red block" \(the fingers closed on nothing\)/);
    expect(arm.heldName()).toBeNull();
  });

  it('an object the detector sees away from the gripper after a move has slipped', async () => {
    const { robot, arm, target } = await setup('ros1');
    const picked = await executeProgram({ source: 'pick("red block");', target, rehearse: false });
    expect(picked.ok).toBe(true);
    expect(robot.holding()).toBe('red block');
    arm.drop();
    const moved = await executeProgram({ source: 'moveTo({x: 0.4, y: -0.1, z: 0.2});', target, rehearse: false });
    expect(moved.error).toMatchObject({ kind: 'physical', primitive: 'moveTo' });
    expect(moved.error!.message).toMatch(/"red block" slipped out of the gripper during the motion/);
    expect(robot.holding()).toBeNull();
  });

  it('books fixtured objects from a scene file as the gripper moves them', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const scene = join(mkdtempSync(join(tmpdir(), 'wand-fixtures-')), 'scene.json');
    writeFileSync(scene, JSON.stringify({ objects: [{ kind: 'block', color: 'red', position: { x: 0.5, y: 0.12 } }, { kind: 'bowl', color: 'blue', position: { x: 0.62, y: -0.15 } }] }));
    const { robot, arm, target } = await setup('ros2', { ...FAST, objects: { scene } });
    const result = await executeProgram({ source: 'putOn("red block", "blue bowl");', target });
    expect(result.error).toBeNull();
    const booked = robot.objects().find((o) => o.name === 'red block')!.position;
    expect(Math.hypot(booked.x - 0.62, booked.y + 0.15)).toBeLessThan(0.02);
    expect(booked.z).toBeLessThan(0.05); // it dropped into the bowl
    expect(Math.hypot(arm.objectNamed('red block')!.position.x - 0.62, arm.objectNamed('red block')!.position.y + 0.15)).toBeLessThan(0.03);
  });
});

describe('ROS arm with a tighter joint limit in its URDF', () => {
  it('plans within the limit, and refuses a target only reachable beyond it (kind workspace, nothing sent)', async () => {
    // The base joint may turn only 0.3 rad either side of where it is at home.
    const pan = sim.joints[0]!;
    const urdf = sim.urdf.replace(/(<joint name="shoulder_pan_joint"[\s\S]*?<limit )([^>]*)>/, (_m, head: string, attrs: string) =>
      `${head}${attrs.replace(/lower="[^"]*"/, `lower="${pan - 0.3}"`).replace(/upper="[^"]*"/, `upper="${pan + 0.3}"`)}>`,
    );
    expect(urdf).not.toBe(sim.urdf);
    const model = loadArmModel(urdf, { baseFrame: 'base_link', toolFrame: 'tool0', toolOffset: { x: 0, y: 0, z: 0.16 } });
    expect(model.joints[0]!.upper).toBeCloseTo(pan + 0.3, 6);
    const { robot, arm } = await setup('ros2', FAST, { urdf, model });
    expect(robot.model.joints[0]!.upper).toBeCloseTo(pan + 0.3, 6);
    const program = await robot.beginProgram();
    await robot.moveTo({ x: 0.5, y: 0.05, z: 0.2 }, program);
    for (const g of arm.goals) for (const p of g.goal.trajectory.points) expect(Math.abs(p.positions[0] - pan)).toBeLessThanOrEqual(0.3 + 1e-9);
    const sent = arm.goals.length;
    const err = await rejection(robot.moveTo({ x: 0.25, y: 0.3, z: 0.2 }, program));
    expect(err.kind).toBe('workspace');
    expect(arm.goals.length).toBe(sent);
  });
});

describe('ROS arm start-up', () => {
  it('says which joints the joint states lack, by name', async () => {
    const made = await startArmBridge({ flavor: 'ros1', ...sim });
    cleanup.push(() => made.bridge.close());
    const config = parseArmConfig({ trajectory: { joints: [...sim.model.joints.map((j) => j.name), 'extra_joint'] } });
    const err = await rejection(RosArmBackend.open({ url: made.bridge.url, config, firstStateTimeoutMs: 500 }));
    expect(err.kind).toBe('connection');
    expect(err.message).toMatch(/\/joint_states does not report the joints extra_joint \(it reports .*finger_joint/);
  });

  it('needs a static transform for detections in another frame, and uses one from the config', async () => {
    const frame = { name: 'camera_link', xyz: [0.3, 0, 0.6] as [number, number, number], rpy: [Math.PI, 0, Math.PI / 2] as [number, number, number] };
    const made = await startArmBridge({ flavor: 'ros2', ...sim, objects: OBJECTS, detectionFrame: frame });
    cleanup.push(() => made.bridge.close());
    const without = await RosArmBackend.open({ url: made.bridge.url, config: parseArmConfig(FAST) });
    cleanup.push(() => without.dispose());
    const err = (() => {
      try {
        without.objects();
      } catch (e) {
        return e as WandError;
      }
    })();
    expect(err?.message).toMatch(/in frame "camera_link", not the base frame "base_link"; add that frame's pose .* "objects.transforms"/);
    const withTransform = await RosArmBackend.open({
      url: made.bridge.url,
      config: parseArmConfig({ ...FAST, objects: { ...FAST.objects, transforms: { camera_link: { xyz: frame.xyz, rpy: frame.rpy } } } }),
    });
    cleanup.push(() => withTransform.dispose());
    const block = withTransform.objects().find((o) => o.name === 'red block')!;
    expect(dist(block.position, OBJECTS[0]!.position)).toBeLessThan(1e-3);
    expect(block.size.x).toBeCloseTo(0.04, 3);
  });

  it('takes the table height from the config: programs see the table top at z = 0', async () => {
    const lifted = OBJECTS.map((o) => ({ ...o, position: { ...o.position, z: o.position.z - 0.1 } }));
    const { robot } = await setup('ros1', { ...FAST, table: { z: -0.1 }, workspace: { x: [0.2, 0.8], y: [-0.3, 0.3], z: [-0.1, 0.4] } }, { objects: lifted });
    expect(robot.objects().find((o) => o.name === 'red block')!.position.z).toBeCloseTo(0.02, 3);
    expect(robot.world().bounds.z).toEqual([0, 0.5]);
    expect(robot.toolPosition().z).toBeCloseTo(0.4, 2);
  });
});
