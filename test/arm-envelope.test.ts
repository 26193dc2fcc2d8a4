import { describe, expect, it } from 'vitest';
import { parseArmConfig } from '../src/ros/arm/config.ts';
import { armLimits } from '../src/ros/arm/limits.ts';
import { TableFrame } from '../src/ros/arm/table-frame.ts';
import { timePath } from '../src/ros/arm/timing.ts';
import { NAMED_POSITIONS } from '../primitives/tabletop/world.ts';
import { simulatorArm } from './helpers/ros-arm.ts';

// The arm's safety envelope and the time stamps moves get, on the simulator's arm (the repo URDF).

const { model, joints: home } = simulatorArm();
const config = parseArmConfig({ limits: { maxToolSpeed: 0.25, maxJointSpeed: 1 } });
const { limits, envelope } = armLimits(config, model);
const plan = (to: { x: number; y: number; z: number }, from = home) => model.planLine(from, to);
const refusal = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    return err as Error & { kind: string };
  }
  throw new Error('expected a refusal');
};

describe('arm timing', () => {
  it('stamps a straight move as fast as the speed limits allow and no faster, from rest to rest', () => {
    const path = timePath(plan({ x: 0.6, y: 0.2, z: 0.1 }), limits);
    expect(() => envelope.copy().check(path, 'move')).not.toThrow();
    const speeds = path.points.slice(1).map((p, i) => Math.hypot(p.x - path.points[i]!.x, p.y - path.points[i]!.y, p.z - path.points[i]!.z) / (path.times[i + 1]! - path.times[i]!));
    expect(Math.max(...speeds)).toBeLessThanOrEqual(0.25);
    expect(Math.max(...speeds)).toBeGreaterThan(0.2); // it does reach cruise speed
    expect(speeds[0]).toBeLessThan(0.1); // and starts from rest
    expect(speeds.at(-1)).toBeLessThan(0.1);
  });
});

describe('arm envelope', () => {
  it('refuses a trajectory beyond a joint limit, naming the joint', () => {
    const path = timePath(plan({ x: 0.5, y: 0, z: 0.2 }), limits);
    const bad = { joints: path.joints.map((q, i) => (i === path.joints.length - 1 ? [q[0]!, q[1]!, 3.5, ...q.slice(3)] : q)), times: path.times.map((t) => t * 100) };
    const err = refusal(() => envelope.copy().check(bad, 'move'));
    expect(err.kind).toBe('safety');
    expect(err.message).toMatch(/refused by the joint limits: elbow_joint would reach 3.5, outside its limits -3.142..3.142; nothing moved/);
  });

  it('refuses a trajectory faster than the limits, naming the limit', () => {
    const path = timePath(plan({ x: 0.6, y: 0.1, z: 0.2 }), limits);
    const rushed = { joints: path.joints, times: path.times.map((t) => t / 2) };
    const e = envelope.copy();
    expect(refusal(() => e.check(rushed, 'move')).message).toMatch(/over the limit of 0.25 m\/s \(maxToolSpeed\)|over its limit of 1\/s/);
    expect(e.events).toEqual([{ kind: 'speed', message: expect.any(String) }]);
  });

  it('refuses a tool path below the table plus margin and out of the box; a parked arm may move back in', () => {
    expect(refusal(() => envelope.copy().check(timePath(plan({ x: 0.5, y: 0, z: 0.002 }), limits), 'move')).message).toMatch(/below the table top plus its 0.005 m margin/);
    expect(refusal(() => envelope.copy().check(timePath(plan({ x: 0.5, y: 0, z: 0.55 }), limits), 'move')).message).toMatch(/would leave the workspace box/);
    // Parked outside the box (x = 0.9): moving back toward it is allowed, moving further out is not.
    const parked = model.ik({ x: 0.9, y: 0, z: 0.3 }, home)!;
    expect(() => envelope.copy().check(timePath(plan({ x: 0.6, y: 0, z: 0.3 }, parked), limits), 'move')).not.toThrow();
    expect(refusal(() => envelope.copy().check(timePath(plan({ x: 0.95, y: 0, z: 0.3 }, parked), limits), 'move')).message).toMatch(/leave the workspace box/);
  });
});

describe('arm config', () => {
  it('defaults every field and refuses misspelt keys, naming the field', () => {
    expect(parseArmConfig({})).toMatchObject({ profile: 'arm', robotDescription: '/robot_description', jointStates: '/joint_states', rosVersion: 'auto', table: { z: 0 } });
    expect(() => parseArmConfig({ limits: { maxToolSpeeed: 1 } })).toThrow(/limits: Unrecognized key: "maxToolSpeeed"/);
    expect(() => parseArmConfig({ objects: { topic: '/d', names: { 7: 'purple cube' } } })).toThrow(/objects.names.7: a name "<colour> block" or "<colour> bowl"/);
    expect(() => parseArmConfig({ objects: { scene: 's.json', names: {} } })).toThrow(/objects: Unrecognized key: "names"/);
    expect(() => parseArmConfig({ workspace: { x: [0.8, 0.2] } })).toThrow(/workspace.x: a range/);
    expect(() => parseArmConfig({ rosVersion: 3 })).toThrow(/rosVersion: must be "auto", 1 or 2/);
    expect(parseArmConfig({ gripper: { open: 0.04 } }).gripper).toEqual({ action: '/gripper_controller/gripper_cmd', open: 0.04, closed: 0, maxEffort: 40 });
  });

  it("puts the simulator's named positions in the config's workspace, table top at z = 0", () => {
    const frame = new TableFrame(parseArmConfig({}));
    expect(frame.namedPositions).toEqual(NAMED_POSITIONS);
    const other = new TableFrame(parseArmConfig({ workspace: { x: [0.3, 0.9], y: [-0.2, 0.4], z: [0.1, 0.6] }, table: { z: 0.1 } }));
    expect(other.namedPositions.middle).toEqual({ x: 0.6, y: 0.1, z: 0 });
    expect(other.world().bounds).toEqual({ x: [0.3, 0.9], y: [-0.2, 0.4], z: [0, 0.5] });
    expect(other.toBase({ x: 0.5, y: 0, z: 0 })).toEqual({ x: 0.5, y: 0, z: 0.1 });
  });
});

describe("the arm's clock", () => {
  it('learns the rate of the stamps, and falls back to the wall clock without them', async () => {
    const { RobotClock } = await import('../src/ros/arm/robot-clock.ts');
    const clock = new RobotClock();
    for (let i = 0; i <= 30; i++) clock.observe(1000 + i * 0.03, i * 0.01); // robot time runs 3x the wall clock
    expect(clock.calibrated).toBe(true);
    expect(clock.rate).toBeCloseTo(3, 6);
    expect(clock.now(0.4)).toBeCloseTo(1000 + 1.2, 6);
    expect(clock.wallMs(1.5)).toBeCloseTo(500, 6);
    const stampless = new RobotClock();
    stampless.observe(0, 5);
    expect(stampless.calibrated).toBe(true);
    expect(stampless.rate).toBe(1);
    expect(stampless.now(7)).toBe(7);
  });
});
