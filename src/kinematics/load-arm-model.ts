import { WandError } from '../core/errors.ts';
import type { Vec3 } from '../../primitives/schemas.ts';
import type { ArmModel, ArmModelOptions, JointInfo, LinePlan, ToolPose } from './arm-model.ts';
import { IkSolver } from './ik-solver.ts';
import { ChainKinematics, extractChain } from './kinematic-chain.ts';
import { planStraightLine } from './line-plan.ts';
import { parseUrdf } from './parse-urdf.ts';
import { rotationOf } from './rigid-transform.ts';
import { topDownRotation, yawOf } from './top-down.ts';

// An ArmModel from URDF text: urdf-loader reads the tree, the chain from baseFrame to toolFrame is composed
// from its joints, and forward/inverse kinematics and line planning run on that chain.

const isVec3 = (v: unknown): v is Vec3 =>
  typeof v === 'object' && v !== null && ['x', 'y', 'z'].every((k) => Number.isFinite((v as Record<string, unknown>)[k]));

export function loadArmModel(urdf: string, opts: ArmModelOptions): ArmModel {
  const toolOffset = opts.toolOffset ?? { x: 0, y: 0, z: 0 };
  if (!isVec3(toolOffset)) throw new WandError('usage', `toolOffset must be {x, y, z} in metres, got ${JSON.stringify(opts.toolOffset)}`);
  if (opts.toolYaw !== undefined && !Number.isFinite(opts.toolYaw)) throw new WandError('usage', `toolYaw must be a number of radians, got ${opts.toolYaw}`);
  const chain = extractChain(parseUrdf(urdf), opts.baseFrame, opts.toolFrame);
  const kin = new ChainKinematics(chain, { ...toolOffset });
  const solver = new IkSolver(kin);
  const joints: readonly JointInfo[] = Object.freeze(
    chain.joints.map(({ name, type, lower, upper, velocity }) => Object.freeze({ name, type, lower, upper, velocity })),
  );
  const dof = joints.length;

  const checkJoints = (q: readonly number[], what: string) => {
    if (!Array.isArray(q) || q.length !== dof || !q.every(Number.isFinite)) {
      throw new WandError('usage', `${what} must be ${dof} finite joint values (${joints.map((j) => j.name).join(', ')}), got ${JSON.stringify(q)}`);
    }
  };
  const checkPoint = (p: Vec3, what: string) => {
    if (!isVec3(p)) throw new WandError('validation', `${what} must be {x, y, z} in metres, got ${JSON.stringify(p)}`);
  };
  const pose = (q: readonly number[]): ToolPose => {
    kin.update(q);
    const [x, y, z] = kin.point;
    return { position: { x, y, z }, rotation: rotationOf(kin.tool) };
  };
  const yawFor = (near: readonly number[]) => opts.toolYaw ?? yawOf(pose(near).rotation);

  return {
    baseFrame: opts.baseFrame,
    toolFrame: opts.toolFrame,
    joints,
    toolOffset: Object.freeze({ ...toolOffset }),
    urdf,
    toolPoint(q) {
      checkJoints(q, 'toolPoint joints');
      kin.update(q);
      return { x: kin.point[0], y: kin.point[1], z: kin.point[2] };
    },
    toolPose(q) {
      checkJoints(q, 'toolPose joints');
      return pose(q);
    },
    ik(target, near) {
      checkPoint(target, 'ik target');
      checkJoints(near, 'ik near');
      return solver.solveNearest({ position: [target.x, target.y, target.z], rotation: topDownRotation(yawFor(near)) }, near);
    },
    planLine(from, to): LinePlan {
      checkJoints(from, 'planLine from');
      checkPoint(to, 'planLine target');
      return planStraightLine({ solver, joints, pose }, from, to, topDownRotation(yawFor(from)));
    },
    byName(q) {
      checkJoints(q, 'joints');
      return Object.fromEntries(joints.map((j, i) => [j.name, q[i]]));
    },
    fromNames(values) {
      const missing = joints.filter((j) => !Number.isFinite(values?.[j.name]));
      if (missing.length) {
        throw new WandError('usage', `joint values are missing for ${missing.map((j) => `"${j.name}"`).join(', ')} (got ${JSON.stringify(values)})`);
      }
      return joints.map((j) => values[j.name]);
    },
  };
}
