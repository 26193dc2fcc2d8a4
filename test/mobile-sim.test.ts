import { describe, expect, it } from 'vitest';
import goTo from '../primitives/mobile/goTo.ts';
import scan from '../primitives/mobile/scan.ts';
import type { PrimitiveContext } from '../primitives/define.ts';
import type { MobileBackend } from '../primitives/backend.ts';
import { createMobileSim } from '../sim/mobile/sim.ts';
import { MOBILE_ROOM, openFloor } from '../sim/mobile/room.ts';
import { buildRoomScene } from '../sim/mobile/scene-graph.ts';
import { WandError } from '../src/core/errors.ts';
import { MotionController, type BaseIO } from '../src/safety/controller.ts';
import { Envelope } from '../src/safety/envelope.ts';
import { parseRobotConfig } from '../src/ros/config.ts';
import { wand } from './helpers/cli.ts';
import { rejection } from './helpers/errors.ts';

const never = new AbortController().signal;
const ctx = (backend: MobileBackend, signal = never): PrimitiveContext<MobileBackend> => ({ backend, signal, output() {}, say() {} });


describe('mobile simulator', () => {
  it('drives and turns closed-loop with the API conventions (metres, degrees, counter-clockwise positive)', async () => {
    const sim = createMobileSim();
    await sim.drive(1, never);
    expect(sim.getPose().x).toBeCloseTo(1, 1);
    expect(Math.abs(sim.getPose().x - 1)).toBeLessThan(0.01);
    await sim.turn(90, never);
    expect(Math.abs(sim.getPose().yaw - 90)).toBeLessThan(1);
    await sim.drive(0.5, never); // now facing +y: left of the start
    expect(sim.getPose().y).toBeGreaterThan(0.49);
    await sim.turn(-180, never);
    expect(Math.abs(sim.getPose().yaw + 90)).toBeLessThan(1);
    await sim.drive(-0.25, never); // backwards while facing -y: +y
    expect(sim.getPose().y).toBeGreaterThan(0.74);
    // Simulated time, not real time: ~10 s of motion in far less wall time.
    expect(sim.simTimeS()).toBeGreaterThan(8);
  });

  it('goTo reaches named places and points, through the doorway', async () => {
    const sim = createMobileSim();
    await goTo.run(ctx(sim), { target: 'door' });
    await goTo.run(ctx(sim), { target: 'kitchen' });
    const p = sim.getPose();
    expect(Math.hypot(p.x - 5.3, p.y - 1.8)).toBeLessThan(0.03);
    await goTo.run(ctx(sim), { target: { x: 4.5, y: 0 } });
    expect(Math.hypot(sim.getPose().x - 4.5, sim.getPose().y)).toBeLessThan(0.03);
  });

  it('goTo lists the known places for an unknown name', async () => {
    const err = await rejection(Promise.resolve().then(() => goTo.run(ctx(createMobileSim()), { target: 'garage' })));
    expect(err.kind).toBe('unknown_object');
    expect(err.message).toContain('"door", "kitchen", "charger", "window"');
  });

  it('goTo does not take Object.prototype keys for places', async () => {
    for (const target of ['constructor', 'toString']) {
      const err = await rejection(Promise.resolve().then(() => goTo.run(ctx(createMobileSim()), { target })));
      expect(err.kind).toBe('unknown_object');
    }
  });

  it('refuses a motion that leaves the geofence before sending any command', async () => {
    const sim = createMobileSim({ safety: { geofence: { radius: 1 } } });
    const err = await rejection(sim.drive(1.5, never));
    expect(err.kind).toBe('safety');
    expect(err.message).toMatch(/geofence/);
    expect(err.message).toMatch(/nothing moved/);
    expect(sim.simTimeS()).toBe(0);
    // goTo checks the whole path before it turns.
    const err2 = await rejection(Promise.resolve().then(() => goTo.run(ctx(sim), { target: { x: 0, y: -3 } })));
    expect(err2.kind).toBe('safety');
    expect(sim.getPose()).toEqual({ x: 0, y: 0, yaw: 0 });
    expect(sim.simTimeS()).toBe(0);
    expect(sim.envelope.events.map((e) => e.kind)).toEqual(['geofence', 'geofence']);
  });

  it('a wall stops the robot and the collision is reported', async () => {
    const sim = createMobileSim();
    await sim.turn(90, never); // facing the north wall, 3 m away
    const err = await rejection(sim.drive(2.95, never));
    expect(err.kind).toBe('physical');
    expect(err.message).toMatch(/hit the north wall/);
    expect(sim.getPose().y).toBeLessThan(3 - 0.05 - 0.17);
    expect(sim.state().robot).toMatchObject({ velocity: { linear: 0, angular: 0 } });
    // Backing away from the wall works.
    await sim.drive(-1, never);
    expect(sim.collisions()).toHaveLength(1);
  });

  it('scans the nearest obstacle per sector like a laser', async () => {
    const sim = createMobileSim();
    const s = scan.run(ctx(sim), {}) as { front: number; left: number; right: number; back: number };
    // West wall face at x = -1.45; the yellow box corner is further.
    expect(s.back).toBeCloseTo(1.45, 2);
    expect(s.front).toBeGreaterThan(1);
    expect(Object.keys(s).sort()).toEqual(['back', 'front', 'left', 'right']);
    const blind = createMobileSim({ scanner: false });
    expect((await rejection(Promise.resolve().then(() => scan.run(ctx(blind), {})))).message).toMatch(/no laser scanner/);
  });

  it('rehearsal world: open floor with laser returns as obstacles, from any start pose', async () => {
    const room = openFloor({ spot: [2, 2] }, [{ x: 2, y: 1, r: 0.05 }], { x: [0, 4], y: [0, 4] });
    const sim = createMobileSim({ room, start: { x: 1, y: 1, yaw: 0 }, safety: { geofence: { radius: 3 } } });
    expect(sim.getPose()).toEqual({ x: 1, y: 1, yaw: 0 });
    const err = await rejection(sim.drive(1.5, never));
    expect(err.kind).toBe('physical');
    await sim.drive(-0.5, never);
    await goTo.run(ctx(sim), { target: 'spot' });
    expect(Math.hypot(sim.getPose().x - 2, sim.getPose().y - 2)).toBeLessThan(0.03);
  });
});

describe('room scene graph', () => {
  it('builds walls, boxes, places and a robot that follows poses, in the odometry frame', () => {
    const scene = buildRoomScene(MOBILE_ROOM);
    const names = scene.root.children.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['floor', 'north wall', 'partition', 'red box', 'place: kitchen', 'robot']));
    scene.setRobotPose({ x: 1, y: 2, yaw: 90 });
    expect(scene.robot.position.toArray()).toEqual([1, 2, 0]);
    expect(scene.robot.rotation.z).toBeCloseTo(Math.PI / 2);
  });
});

describe('safety config', () => {
  it('fills in whatever the config file leaves out with the conservative defaults, and rejects typos', () => {
    const env = Envelope.from(parseRobotConfig({ limits: { maxLinear: 0.3 } }), { x: 0, y: 0 });
    expect(env.limits).toEqual({ maxLinear: 0.3, maxAngular: 0.5, maxAccel: 0.5, maxAngularAccel: 1.5 });
    expect(() => parseRobotConfig({ limits: { maxLinaer: 0.3 } })).toThrow(/maxLinaer/);
  });
});

describe('motion controller', () => {
  /** A perfect base on a fake clock that records every command. */
  function fakeBase() {
    const sent: { t: number; linear: number; angular: number }[] = [];
    const pose = { x: 0, y: 0, yaw: 0 };
    let cmd = { linear: 0, angular: 0 };
    let t = 0;
    const io: BaseIO = {
      pose: () => ({ ...pose }),
      send: (c) => {
        cmd = c;
        sent.push({ t, ...c });
      },
      tick: async (dt) => {
        pose.x += cmd.linear * Math.cos(pose.yaw) * dt;
        pose.y += cmd.linear * Math.sin(pose.yaw) * dt;
        pose.yaw += cmd.angular * dt;
        t += dt;
      },
      now: () => t,
      fault: () => null,
    };
    return { io, sent, pose };
  }

  it('streams clamped commands at 20 Hz and ends every motion with an explicit zero', async () => {
    const base = fakeBase();
    const env = Envelope.from({ limits: { maxLinear: 0.15, maxAngular: 0.4 } }, { x: 0, y: 0 });
    const c = new MotionController(base.io, env);
    await c.drive(1, never);
    const moving = base.sent.filter((s) => s.linear !== 0);
    expect(Math.max(...moving.map((s) => Math.abs(s.linear)))).toBeLessThanOrEqual(0.15);
    const gaps = moving.slice(1).map((s, i) => s.t - moving[i]!.t);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(0.1 + 1e-9);
    expect(base.sent.at(-1)).toMatchObject({ linear: 0, angular: 0 });
    // Acceleration is ramped (0.5 m/s² default): the first command is small.
    expect(moving[0]!.linear).toBeLessThanOrEqual(0.5 * c.period + 1e-9);
    base.sent.length = 0;
    await c.turn(Math.PI, never);
    expect(Math.max(...base.sent.map((s) => Math.abs(s.angular)))).toBeLessThanOrEqual(0.4);
    expect(base.pose.yaw).toBeCloseTo(Math.PI, 1);
    expect(base.sent.at(-1)).toMatchObject({ linear: 0, angular: 0 });
  });

  it('an abort sends zero at once and rejects with the abort reason', async () => {
    const base = fakeBase();
    const c = new MotionController(base.io, Envelope.from(undefined, { x: 0, y: 0 }));
    const stop = new AbortController();
    base.io.tick = async () => {
      if (base.sent.length === 5) stop.abort(new WandError('aborted', 'stopped by Ctrl-C'));
    };
    const err = await rejection(c.drive(1, stop.signal));
    expect(err.message).toBe('stopped by Ctrl-C');
    expect(base.sent.at(-1)).toMatchObject({ linear: 0, angular: 0 });
    expect(base.sent.length).toBeLessThanOrEqual(7);
  });

  it('refuses a motion longer than maxMotionSeconds, and notices a base that does not move', async () => {
    const base = fakeBase();
    const env = Envelope.from({ maxMotionSeconds: 5, geofence: { radius: 50 } }, { x: 0, y: 0 });
    const c = new MotionController(base.io, env);
    expect((await rejection(c.drive(3, never))).message).toMatch(/maxMotionSeconds/);
    expect(base.sent).toEqual([]);
    let t = 0;
    base.io.now = () => t;
    base.io.tick = async (dt) => void (t += dt); // time passes, the commands go nowhere
    const err = await rejection(c.drive(0.5, never));
    expect(err.kind).toBe('physical');
    expect(err.message).toMatch(/not moving/);
  });
});

describe('wand run --world mobile', () => {
  it('prints the mobile result shape with pose {x, y, yaw}', async () => {
    const r = await wand(['run', '-', '--world', 'mobile', '--json'], { stdin: `goTo("door");\nprint(getPose());` });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.ok).toBe(true);
    expect(result.state.robot.pose).toEqual({ x: expect.any(Number), y: expect.any(Number), yaw: expect.any(Number) });
    expect(result.state.robot.pose.x).toBeCloseTo(3.5, 1);
    expect(result.world.name).toBe('mobile');
    expect(Object.keys(result.world.namedPositions)).toContain('kitchen');
    expect(result.rehearsal).toBeUndefined();
  });
});
