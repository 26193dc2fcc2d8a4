import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WandError } from '../src/core/errors.ts';
import type { Vec3 } from '../primitives/schemas.ts';
import { loadArmModel, simArmModel, type ArmModel } from '../src/kinematics/arm-model.ts';
import { SIM_ARM_URDF } from '../src/kinematics/sim-arm.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/urdf/${name}`, import.meta.url), 'utf8');
const SIM_URDF = readFileSync(SIM_ARM_URDF, 'utf8');
const REST = [0, -1.2, 1.6, -2.0, -Math.PI / 2, 0];
const UR_JOINTS = ['shoulder_pan_joint', 'shoulder_lift_joint', 'elbow_joint', 'wrist_1_joint', 'wrist_2_joint', 'wrist_3_joint'];
const distance = (a: Vec3, b: Vec3) => Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);

/** The tool frame's z axis (third column of the rotation). */
const toolZ = (arm: ArmModel, q: number[]) => {
  const r = arm.toolPose(q).rotation;
  return { x: r[2], y: r[5], z: r[8] };
};

function expectWithinLimits(arm: ArmModel, q: number[]) {
  arm.joints.forEach((j, i) => {
    expect(q[i], j.name).toBeGreaterThanOrEqual(j.lower);
    expect(q[i], j.name).toBeLessThanOrEqual(j.upper);
  });
}

/** The sim URDF with one joint's limits replaced. */
function withLimits(joint: string, lower: number, upper: number): string {
  const pattern = new RegExp(`(<joint name="${joint}"[\\s\\S]*?<limit )lower="[^"]*" upper="[^"]*"`);
  expect(SIM_URDF).toMatch(pattern);
  return SIM_URDF.replace(pattern, `$1lower="${lower}" upper="${upper}"`);
}

function thrown(fn: () => unknown): WandError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WandError);
    return err as WandError;
  }
  throw new Error('expected a WandError');
}

const grid = (xs: number[], ys: number[], zs: number[]) => xs.flatMap((x) => ys.flatMap((y) => zs.map((z) => ({ x, y, z }))));

describe('the simulator arm (sim/tabletop/wand-arm.urdf)', () => {
  const arm = simArmModel();

  it('is a six-joint UR-style chain from base_link to tool0 with the URDF limits and speeds', () => {
    expect(arm.baseFrame).toBe('base_link');
    expect(arm.toolFrame).toBe('tool0');
    expect(arm.joints.map((j) => j.name)).toEqual(UR_JOINTS);
    expect(arm.joints[2]).toMatchObject({ type: 'revolute', lower: -Math.PI, upper: Math.PI });
    expect(arm.joints.every((j) => Math.abs(j.velocity - Math.PI) < 1e-9)).toBe(true);
    expect(arm.toolOffset).toEqual({ x: 0, y: 0, z: 0.16 });
    expect(arm.urdf).toBe(SIM_URDF);
  });

  it('reaches the whole workspace (x 0.2..0.8, y -0.3..0.3, z 0..0.5) top-down, within limits, to the micrometre', () => {
    const home = arm.ik({ x: 0.4, y: 0, z: 0.3 }, REST)!;
    for (const target of grid([0.2, 0.35, 0.5, 0.65, 0.8], [-0.3, -0.15, 0, 0.15, 0.3], [0, 0.005, 0.1, 0.3, 0.5])) {
      const q = arm.ik(target, home);
      expect(q, JSON.stringify(target)).not.toBeNull();
      expect(distance(arm.toolPoint(q!), target)).toBeLessThan(1e-6);
      const z = toolZ(arm, q!);
      expect(z.z).toBeCloseTo(-1, 9); // tool0 +z straight down
      // Yaw 0: the tool's x axis is the base's x (the fingers close along y).
      expect(arm.toolPose(q!).rotation[0]).toBeCloseTo(1, 9);
      expectWithinLimits(arm, q!);
    }
  });

  it('gives back the joints it was given (FK then IK) and prefers the solution nearest the current joints', () => {
    const elbowUp = arm.ik({ x: 0.5, y: 0.1, z: 0.1 }, REST)!;
    expect(arm.ik(arm.toolPoint(elbowUp), elbowUp)!.every((q, i) => Math.abs(q - elbowUp[i]) < 1e-6)).toBe(true);
    // Seeded with the elbow below the shoulder-wrist line, the same target keeps the elbow there.
    const elbowDown = arm.ik({ x: 0.5, y: 0.1, z: 0.1 }, [0, -0.3, -1.6, -1.0, -Math.PI / 2, 0])!;
    expect(Math.sign(elbowUp[2])).toBe(1);
    expect(Math.sign(elbowDown[2])).toBe(-1);
    expect(distance(arm.toolPoint(elbowDown), { x: 0.5, y: 0.1, z: 0.1 })).toBeLessThan(1e-6);
    // A revolute joint with a range over a full turn comes back on the near side of it.
    const turned = [...elbowUp];
    turned[5] += 2 * Math.PI;
    const again = arm.ik({ x: 0.5, y: 0.1, z: 0.1 }, turned)!;
    expect(again[5]).toBeCloseTo(turned[5], 6);
  });

  it('returns null for points out of reach', () => {
    expect(arm.ik({ x: 1.4, y: 0, z: 0.1 }, REST)).toBeNull();
    expect(arm.ik({ x: 0.02, y: 0, z: 0.05 }, REST)).toBeNull();
  });

  it('plans straight lines across the workspace without flips, in ≤ 1 cm steps on the line', () => {
    const corners = [
      { x: 0.2, y: -0.3, z: 0.0 },
      { x: 0.8, y: 0.3, z: 0.0 },
      { x: 0.8, y: -0.3, z: 0.5 },
      { x: 0.2, y: 0.3, z: 0.5 },
      { x: 0.2, y: -0.3, z: 0.02 },
      { x: 0.8, y: 0.0, z: 0.25 },
      { x: 0.2, y: 0.0, z: 0.0 },
    ];
    let q = arm.ik({ x: 0.4, y: 0, z: 0.3 }, REST)!;
    const elbowSign = Math.sign(q[2]);
    for (const to of corners) {
      const from = arm.toolPoint(q);
      const plan = arm.planLine(q, to);
      expect(plan.joints[0]).toEqual(q);
      expect(plan.joints.length).toBe(plan.points.length);
      expect(plan.joints.length).toBeGreaterThanOrEqual(Math.ceil(distance(from, to) / 0.01) + 1);
      for (let k = 0; k < plan.joints.length; k++) {
        const p = plan.points[k];
        // On the segment: the distances to both ends add up to its length.
        expect(distance(from, p) + distance(p, to) - distance(from, to)).toBeLessThan(1e-9);
        expect(distance(arm.toolPoint(plan.joints[k]), p)).toBeLessThan(1e-6);
        expect(toolZ(arm, plan.joints[k]).z).toBeCloseTo(-1, 6);
        expectWithinLimits(arm, plan.joints[k]);
        expect(Math.sign(plan.joints[k][2])).toBe(elbowSign);
        if (k === 0) continue;
        expect(distance(plan.points[k - 1], p)).toBeLessThanOrEqual(0.01 + 1e-9);
        const jump = Math.max(...plan.joints[k].map((v, i) => Math.abs(v - plan.joints[k - 1][i])));
        expect(jump).toBeLessThan(0.1);
      }
      expect(distance(arm.toolPoint(plan.joints.at(-1)!), to)).toBeLessThan(1e-6);
      q = plan.joints.at(-1)!;
    }
  });

  it('refuses a line it cannot follow with a workspace error naming the reason', () => {
    const home = arm.ik({ x: 0.4, y: 0, z: 0.3 }, REST)!;
    const far = thrown(() => arm.planLine(home, { x: 1.5, y: 0, z: 0.1 }));
    expect(far.kind).toBe('workspace');
    expect(far.message).toMatch(/\(1\.500, 0\.000, 0\.100\) is out of the arm's reach/);
    // Over the robot's own base: the wrist would have to pass through the base axis.
    const across = thrown(() => arm.planLine(home, { x: -0.4, y: 0, z: 0.3 }));
    expect(across.kind).toBe('workspace');
    expect(across.message).toMatch(/straight line from \(0\.400, 0\.000, 0\.300\) to \(-0\.400, 0\.000, 0\.300\) (leaves the arm's reach|would flip joint)/);
  });

  it('starts a line from a pose that is not top-down and turns the tool down along the way', () => {
    const tilted = [0.1, -1.4, 1.8, -1.5, -1.2, 0.3];
    expect(toolZ(arm, tilted).z).toBeGreaterThan(-0.99);
    const plan = arm.planLine(tilted, { x: 0.5, y: 0.0, z: 0.2 });
    const last = plan.joints.at(-1)!;
    expect(toolZ(arm, last).z).toBeCloseTo(-1, 9);
    expect(arm.toolPose(last).rotation[0]).toBeCloseTo(1, 9); // the model's fixed yaw 0
    for (let k = 1; k < plan.joints.length; k++) {
      expect(Math.max(...plan.joints[k].map((v, i) => Math.abs(v - plan.joints[k - 1][i])))).toBeLessThan(0.1);
    }
  });

  it('converts joint vectors to and from names', () => {
    const byName = arm.byName(REST);
    expect(Object.keys(byName)).toEqual(arm.joints.map((j) => j.name));
    // /joint_states order (alphabetical, plus a gripper joint) does not matter.
    const shuffled = Object.fromEntries([['finger_joint', 0.3], ...Object.entries(byName).reverse()]);
    expect(arm.fromNames(shuffled)).toEqual(REST);
    const missing = thrown(() => arm.fromNames({ shoulder_pan_joint: 0 }));
    expect(missing.kind).toBe('usage');
    expect(missing.message).toContain('"elbow_joint"');
    expect(thrown(() => arm.toolPoint([0, 0, 0])).kind).toBe('usage');
    expect(thrown(() => arm.ik({ x: NaN, y: 0, z: 0 }, REST)).kind).toBe('validation');
  });
});

describe('a UR5e description (real ur_description frames)', () => {
  const arm = loadArmModel(fixture('ur5e.urdf'), { baseFrame: 'base_link', toolFrame: 'tool0' });

  /** UR5e Denavit-Hartenberg forward kinematics (Universal Robots' published parameters), in the controller's base frame. */
  function urDh(q: number[]) {
    const d = [0.1625, 0, 0, 0.1333, 0.0997, 0.0996];
    const a = [0, -0.425, -0.3922, 0, 0, 0];
    const alpha = [Math.PI / 2, 0, 0, Math.PI / 2, -Math.PI / 2, 0];
    let T = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    for (let i = 0; i < 6; i++) {
      const [ct, st, ca, sa] = [Math.cos(q[i]), Math.sin(q[i]), Math.cos(alpha[i]), Math.sin(alpha[i])];
      const L = [ct, -st * ca, st * sa, a[i] * ct, st, ct * ca, -ct * sa, a[i] * st, 0, sa, ca, d[i], 0, 0, 0, 1];
      T = Array.from({ length: 16 }, (_, k) => [0, 1, 2, 3].reduce((s, m) => s + T[Math.floor(k / 4) * 4 + m] * L[m * 4 + (k % 4)], 0));
    }
    return T;
  }

  it('takes only the six arm joints (fixed rotations composed, the mimicking gripper finger outside the chain)', () => {
    expect(arm.joints.map((j) => j.name)).toEqual(UR_JOINTS);
  });

  it('puts tool0 where the UR5e is known to put it', () => {
    // All zeros: the arm stretched out along base_link +x (base_link is turned π from the controller's base).
    const zero = arm.toolPose([0, 0, 0, 0, 0, 0]);
    expect(distance(zero.position, { x: 0.8172, y: 0.2329, z: 0.0628 })).toBeLessThan(1e-6);
    // The usual upright pose with the tool straight down.
    const upright = arm.toolPose([0, -Math.PI / 2, Math.PI / 2, -Math.PI / 2, -Math.PI / 2, 0]);
    expect(distance(upright.position, { x: 0.4919, y: 0.1333, z: 0.4879 })).toBeLessThan(1e-6);
    expect(upright.rotation[8]).toBeCloseTo(-1, 6);
  });

  it('agrees with the Denavit-Hartenberg model once base_link is turned π into the controller base frame', () => {
    for (const q of [
      [0.3, -1.2, 1.6, -2.0, -1.57, 0.4],
      [1.0, -0.5, 0.3, 0.2, 0.9, -2.0],
      [-2.5, -2.0, -1.1, 1.3, 2.2, 3.0],
    ]) {
      const T = urDh(q);
      const pose = arm.toolPose(q);
      // base_link = Rz(π) · base: x and y change sign, for the position and for each axis of the tool frame.
      expect(distance(pose.position, { x: -T[3], y: -T[7], z: T[11] })).toBeLessThan(1e-6);
      const expected = [-T[0], -T[1], -T[2], -T[4], -T[5], -T[6], T[8], T[9], T[10]];
      pose.rotation.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    }
  });

  it('solves top-down with the tool offset in the tool frame (fingertips 0.15 m past tool0)', () => {
    const gripper = loadArmModel(fixture('ur5e.urdf'), { baseFrame: 'base_link', toolFrame: 'tool0', toolOffset: { x: 0, y: 0, z: 0.15 } });
    const start = [0, -Math.PI / 2, Math.PI / 2, -Math.PI / 2, -Math.PI / 2, 0];
    const q = gripper.ik({ x: 0.45, y: -0.1, z: 0.02 }, start)!;
    expect(distance(gripper.toolPoint(q), { x: 0.45, y: -0.1, z: 0.02 })).toBeLessThan(1e-6);
    // tool0 itself is 0.15 m straight above the fingertips.
    expect(distance(arm.toolPoint(q), { x: 0.45, y: -0.1, z: 0.17 })).toBeLessThan(1e-6);
    // The yaw is kept from the start pose (tool x along base -y at the upright pose).
    const r = gripper.toolPose(q).rotation;
    const r0 = gripper.toolPose(start).rotation;
    expect(r[0]).toBeCloseTo(r0[0], 6);
    expect(r[3]).toBeCloseTo(r0[3], 6);
    // A world link above base_link changes nothing: the chain starts at the given base frame.
    const fromWorld = loadArmModel(fixture('ur5e.urdf'), { baseFrame: 'world', toolFrame: 'tool0' });
    expect(distance(fromWorld.toolPoint(q), arm.toolPoint(q))).toBeLessThan(1e-12);
  });
});

describe('joint limits from the URDF', () => {
  it('keeps a tightly limited joint inside its range and refuses targets beyond it', () => {
    const arm = loadArmModel(withLimits('shoulder_pan_joint', -0.5, 0.5), { baseFrame: 'base_link', toolFrame: 'tool0', toolOffset: { x: 0, y: 0, z: 0.16 } });
    expect(arm.joints[0]).toMatchObject({ lower: -0.5, upper: 0.5 });
    const start = [0, -1.2, 1.6, -2.0, -Math.PI / 2, 0];
    const near = arm.ik({ x: 0.5, y: 0.1, z: 0.1 }, start)!;
    expect(distance(arm.toolPoint(near), { x: 0.5, y: 0.1, z: 0.1 })).toBeLessThan(1e-6);
    expectWithinLimits(arm, near);
    // The unlimited arm turns its base by about -0.73 rad for this one.
    expect(simArmModel().ik({ x: 0.5, y: -0.3, z: 0.1 }, start)![0]).toBeLessThan(-0.6);
    expect(arm.ik({ x: 0.5, y: -0.3, z: 0.1 }, start)).toBeNull();
    const refused = thrown(() => arm.planLine(near, { x: 0.5, y: -0.3, z: 0.1 }));
    expect(refused.kind).toBe('workspace');
    expect(refused.message).toMatch(/out of the arm's reach .*within its joint limits/);
  });

  it('takes the other elbow when the near one is beyond a limit', () => {
    const arm = loadArmModel(withLimits('elbow_joint', 0, Math.PI), { baseFrame: 'base_link', toolFrame: 'tool0', toolOffset: { x: 0, y: 0, z: 0.16 } });
    const q = arm.ik({ x: 0.5, y: 0.1, z: 0.1 }, [0, -0.3, -1.6, -1.0, -Math.PI / 2, 0])!;
    expect(q[2]).toBeGreaterThan(0);
    expect(distance(arm.toolPoint(q), { x: 0.5, y: 0.1, z: 0.1 })).toBeLessThan(1e-6);
  });

  it('reads continuous joints as unlimited and a missing velocity as Infinity', () => {
    const urdf = SIM_URDF.replace(/(<joint name="wrist_3_joint" type=")revolute("[\s\S]*?<limit )lower="[^"]*" upper="[^"]*"([^/]*?)velocity="[^"]*"/, '$1continuous$2$3');
    const arm = loadArmModel(urdf, { baseFrame: 'base_link', toolFrame: 'tool0' });
    expect(arm.joints[5]).toEqual({ name: 'wrist_3_joint', type: 'continuous', lower: -Infinity, upper: Infinity, velocity: Infinity });
  });
});

describe('a 7-joint Franka Panda', () => {
  const arm = loadArmModel(fixture('panda.urdf'), { baseFrame: 'panda_link0', toolFrame: 'panda_hand_tcp' });
  const ready = [0, -Math.PI / 4, 0, (-3 * Math.PI) / 4, 0, Math.PI / 2, Math.PI / 4];

  it('puts the TCP of the ready pose where Franka documents it, pointing down', () => {
    expect(arm.joints).toHaveLength(7);
    const pose = arm.toolPose(ready);
    expect(distance(pose.position, { x: 0.3069, y: 0, z: 0.4869 })).toBeLessThan(1e-4);
    expect(pose.rotation.map((v) => Math.round(v * 1e6) / 1e6 + 0)).toEqual([1, 0, 0, 0, -1, 0, 0, 0, -1]);
  });

  it('solves top-down within its asymmetric limits and plans lines without flips', () => {
    let q = ready;
    for (const target of grid([0.3, 0.45, 0.6], [-0.2, 0, 0.2], [0.02, 0.2, 0.4])) {
      const solved = arm.ik(target, ready)!;
      expect(solved, JSON.stringify(target)).not.toBeNull();
      expect(distance(arm.toolPoint(solved), target)).toBeLessThan(1e-6);
      expectWithinLimits(arm, solved);
      const plan = arm.planLine(q, target);
      for (let k = 1; k < plan.joints.length; k++) {
        expect(Math.max(...plan.joints[k].map((v, i) => Math.abs(v - plan.joints[k - 1][i])))).toBeLessThan(0.1);
        expectWithinLimits(arm, plan.joints[k]);
      }
      q = plan.joints.at(-1)!;
      expect(distance(arm.toolPoint(q), target)).toBeLessThan(1e-6);
    }
  });
});

describe('a gantry with prismatic axes', () => {
  it('solves with metres for the linear joints and radians for the wrist', () => {
    const link = (name: string) => `<link name="${name}"/>`;
    const prismatic = (name: string, parent: string, child: string, axis: string) =>
      `<joint name="${name}" type="prismatic"><parent link="${parent}"/><child link="${child}"/><axis xyz="${axis}"/><limit lower="-1" upper="1" velocity="0.5"/></joint>`;
    const urdf = `<robot name="gantry">${['base', 'carriage_x', 'carriage_y', 'quill', 'wrist', 'tool'].map(link).join('')}
      ${prismatic('x', 'base', 'carriage_x', '1 0 0')}${prismatic('y', 'carriage_x', 'carriage_y', '0 1 0')}
      <joint name="z" type="prismatic"><parent link="carriage_y"/><child link="quill"/><origin xyz="0 0 1" rpy="3.141592653589793 0 0"/><axis xyz="0 0 1"/><limit lower="0" upper="1" velocity="0.2"/></joint>
      <joint name="yaw" type="continuous"><parent link="quill"/><child link="wrist"/><axis xyz="0 0 1"/></joint>
      <joint name="flange" type="fixed"><parent link="wrist"/><child link="tool"/><origin xyz="0 0 0.05"/></joint></robot>`;
    const arm = loadArmModel(urdf, { baseFrame: 'base', toolFrame: 'tool', toolOffset: { x: 0, y: 0, z: 0.1 }, toolYaw: 0.5 });
    expect(arm.joints.map((j) => j.type)).toEqual(['prismatic', 'prismatic', 'prismatic', 'continuous']);
    const q = arm.ik({ x: 0.3, y: -0.2, z: 0.4 }, [0, 0, 0.2, 0])!;
    expect(q[0]).toBeCloseTo(0.3, 9);
    expect(q[1]).toBeCloseTo(-0.2, 9);
    expect(q[2]).toBeCloseTo(0.45, 9); // 1 m down to the carriage, less the flange and the tool offset
    expect(arm.toolPose(q).rotation[0]).toBeCloseTo(Math.cos(0.5), 9);
    expect(arm.ik({ x: 0.3, y: -0.2, z: 1.5 }, q)).toBeNull(); // the quill cannot retract above its carriage
  });
});

describe('a SCARA passing by its own base axis', () => {
  it('refuses the line that would swing the shoulder half a turn, naming the joint', () => {
    const revolute = (name: string, parent: string, child: string, xyz: string, limit: string) =>
      `<joint name="${name}" type="revolute"><parent link="${parent}"/><child link="${child}"/><origin xyz="${xyz}"/><axis xyz="0 0 1"/>${limit}</joint>`;
    const urdf = `<robot name="scara">${['base', 'arm1', 'arm2', 'quill', 'wrist', 'tool'].map((n) => `<link name="${n}"/>`).join('')}
      ${revolute('shoulder', 'base', 'arm1', '0 0 0.5', '<limit lower="-3.1" upper="3.1" velocity="2"/>')}
      ${revolute('elbow', 'arm1', 'arm2', '0.3 0 0', '<limit lower="-3.1415" upper="3.1415" velocity="2"/>')}
      <joint name="lift" type="prismatic"><parent link="arm2"/><child link="quill"/><origin xyz="0.3 0 0" rpy="3.141592653589793 0 0"/><axis xyz="0 0 1"/><limit lower="0" upper="0.4" velocity="0.3"/></joint>
      <joint name="yaw" type="continuous"><parent link="quill"/><child link="wrist"/><axis xyz="0 0 1"/></joint>
      <joint name="tool_joint" type="fixed"><parent link="wrist"/><child link="tool"/></joint></robot>`;
    const arm = loadArmModel(urdf, { baseFrame: 'base', toolFrame: 'tool', toolYaw: 0 });
    const start = arm.ik({ x: 0.2, y: 0.002, z: 0.3 }, [0.5, 2.0, 0.2, 0])!;
    expect(start).not.toBeNull();
    // Beside the axis the arm can go; straight past it the shoulder would have to whip round.
    expect(() => arm.planLine(start, { x: 0.2, y: 0.2, z: 0.3 })).not.toThrow();
    const flip = thrown(() => arm.planLine(start, { x: -0.2, y: 0.002, z: 0.3 }));
    expect(flip.kind).toBe('workspace');
    expect(flip.message).toMatch(/would flip joint "(shoulder|yaw)" near \(0\.0\d\d, 0\.002, 0\.300\)/);
  });
});

describe('bad robot descriptions and frames', () => {
  const usage = (urdf: string, frames: { baseFrame: string; toolFrame: string }) => {
    const err = thrown(() => loadArmModel(urdf, frames));
    expect(err.kind).toBe('usage');
    return err.message;
  };
  const ur = fixture('ur5e.urdf');

  it('names a frame that is not in the URDF and lists the links it has', () => {
    expect(usage(ur, { baseFrame: 'base_link', toolFrame: 'tool_0' })).toMatch(/toolFrame "tool_0" is not a link of the URDF \(it has world, base_link, .*tool0/);
    expect(usage(ur, { baseFrame: 'base_footprint', toolFrame: 'tool0' })).toMatch(/baseFrame "base_footprint" is not a link/);
  });

  it('refuses a tool frame that is not below the base frame, and a chain with nothing to move', () => {
    expect(usage(ur, { baseFrame: 'tool0', toolFrame: 'base_link' })).toMatch(/toolFrame "base_link" is not below baseFrame "tool0"/);
    // "base" hangs off base_link on its own branch: tool0 is not below it.
    expect(usage(ur, { baseFrame: 'base', toolFrame: 'tool0' })).toMatch(/not below baseFrame "base"/);
    expect(usage(ur, { baseFrame: 'flange', toolFrame: 'tool0' })).toMatch(/chain from "flange" to "tool0" has no movable joint/);
  });

  it('refuses mimic, floating and unlimited revolute joints inside the arm chain', () => {
    expect(usage(ur, { baseFrame: 'base_link', toolFrame: 'right_finger' })).toMatch(/"right_finger_joint" .* mimics "left_finger_joint"/);
    const floating = ur.replace('<joint name="world_joint" type="fixed">', '<joint name="world_joint" type="floating">');
    expect(usage(floating, { baseFrame: 'world', toolFrame: 'tool0' })).toMatch(/"world_joint" .* is floating/);
    expect(usage(withLimits('elbow_joint', 0, 1).replace(/<limit lower="0" upper="1"[^>]*\/>/, ''), { baseFrame: 'base_link', toolFrame: 'tool0' })).toMatch(
      /"elbow_joint" is revolute but has no <limit/,
    );
  });

  it('explains XML that is not a URDF', () => {
    expect(usage('', { baseFrame: 'a', toolFrame: 'b' })).toMatch(/empty/);
    expect(usage('<robot name="x"><link name="a"></robot>', { baseFrame: 'a', toolFrame: 'b' })).toMatch(/not valid XML/);
    expect(usage('<sdf version="1.6"/>', { baseFrame: 'a', toolFrame: 'b' })).toMatch(/root element is <sdf>/);
    expect(usage(ur.replace('<child link="tool0"/>', '<child link="tool9"/>'), { baseFrame: 'base_link', toolFrame: 'tool0' })).toMatch(
      /joint "flange-tool0" names child link "tool9", which the URDF does not define/,
    );
    expect(thrown(() => loadArmModel(ur, { baseFrame: 'base_link', toolFrame: 'tool0', toolOffset: { x: 0, y: 0 } as Vec3 })).kind).toBe('usage');
  });
});
