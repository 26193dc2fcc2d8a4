import { WandError } from '../core/errors.ts';
import type { Vec3 } from '../../primitives/schemas.ts';
import type { JointInfo, LinePlan, ToolPose } from './arm-model.ts';
import { LOOSE, TIGHT, type IkSolver, type PoseGoal } from './ik-solver.ts';
import { fromRotationVector, mul3, rotationVector, transpose3 } from './rigid-transform.ts';

// A straight fingertip line as joint waypoints. Each waypoint is solved from the one before, so the arm stays
// in its elbow and wrist branch. A step whose joints move too much is split in two, down to a fraction of a
// millimetre; a joint that still moves faster than MAX_RATE per metre of tool travel is flipping (changing
// branch) or passing a singularity, and the plan fails rather than whip it round mid-move.

/** Tool travel between waypoints, metres. */
const STEP = 0.01;
/** Tool rotation between waypoints (when the start is not yet top-down), radians: counts like one STEP. */
const ANGLE_STEP = 0.05;
/** Joint motion (rad or m) between waypoints beyond which a step is split. */
const MAX_JOINT_STEP = 0.1;
/**
 * Joint motion per metre of tool travel that no straight move needs away from singularities (the arms in the
 * tests peak near 20 rad/m in their workspaces; a flip is hundreds).
 */
const MAX_RATE = 60;
/** Splits per step before giving up: 1 cm / 2⁶ ≈ 0.16 mm. */
const MAX_SPLITS = 6;
/** Iterations for one waypoint seeded from its neighbour (it converges in a handful). */
const STEP_ITERATIONS = 40;
/**
 * A redundant arm (7 joints) is nudged toward the middle of its joint ranges at each waypoint, in the seed;
 * the solve undoes the part that would move the tool, so only the self-motion remains and a long move does
 * not drift into a limit. Cubic: nothing in mid-range, firm near a limit.
 */
const CENTRING = 0.05;

const fmt = (p: Vec3) => `(${p.x.toFixed(3)}, ${p.y.toFixed(3)}, ${p.z.toFixed(3)})`;

export interface LinePlanner {
  solver: IkSolver;
  joints: readonly JointInfo[];
  pose(q: readonly number[]): ToolPose;
}

export function planStraightLine(arm: LinePlanner, from: readonly number[], to: Vec3, targetRotation: readonly number[]): LinePlan {
  const start = arm.pose(from);
  const p0 = start.position;
  const delta = { x: to.x - p0.x, y: to.y - p0.y, z: to.z - p0.z };
  const length = Math.hypot(delta.x, delta.y, delta.z);
  // Orientation from the start's to the target's, about one fixed axis of the tool (usually no turn at all).
  const turn = rotationVector(mul3(transpose3(start.rotation), targetRotation)) as number[];
  const angle = Math.hypot(turn[0], turn[1], turn[2]);
  const steps = Math.max(1, Math.ceil(length / STEP - 1e-9), Math.ceil(angle / ANGLE_STEP - 1e-9));

  const pointAt = (s: number): Vec3 => s === 1 ? { ...to } : ({ x: p0.x + delta.x * s, y: p0.y + delta.y * s, z: p0.z + delta.z * s });
  const goal = { position: new Float64Array(3), rotation: targetRotation as ArrayLike<number> };
  const goalAt = (s: number): PoseGoal => {
    const p = pointAt(s);
    goal.position[0] = p.x;
    goal.position[1] = p.y;
    goal.position[2] = p.z;
    // Usually the start is top-down already and there is nothing to turn.
    goal.rotation = s === 1 || angle < 1e-9 ? targetRotation : mul3(start.rotation, fromRotationVector(turn.map((v) => v * s)));
    return goal;
  };

  const redundant = arm.joints.length > 6;
  const centring = (i: number, q: number): number => {
    const { lower, upper } = arm.joints[i];
    if (!redundant || !Number.isFinite(lower) || !Number.isFinite(upper) || upper <= lower) return 0;
    const half = (upper - lower) / 2;
    const u = (q - (lower + half)) / half;
    return -CENTRING * u * u * u * half;
  };

  const joints: number[][] = [[...from]];
  const points: Vec3[] = [p0];
  const failure = (s: number, why: 'reach' | 'flip', q: readonly number[], next?: readonly number[]): WandError => {
    const at = pointAt(s);
    if (!arm.solver.solveNearest(goalAt(1), from)) {
      return new WandError('workspace', `the tool point ${fmt(to)} is out of the arm's reach with the gripper pointing down (within its joint limits)`);
    }
    if (why === 'reach') {
      return new WandError(
        'workspace',
        `the straight line from ${fmt(p0)} to ${fmt(to)} leaves the arm's reach or joint limits near ${fmt(at)}; go round through another point`,
      );
    }
    let worst = 0;
    for (let i = 1; i < q.length; i++) if (Math.abs(next![i] - q[i]) > Math.abs(next![worst] - q[worst])) worst = i;
    return new WandError(
      'workspace',
      `the straight line from ${fmt(p0)} to ${fmt(to)} would flip joint "${arm.joints[worst].name}" near ${fmt(at)} ` +
        `(a singularity or a change of arm configuration); go round through another point`,
    );
  };

  // Solves s0 → s1 from q0 (whose predecessor step was `velocity`), appending the waypoints.
  const advance = (q0: readonly number[], s0: number, s1: number, splits: number, velocity: readonly number[] | null): number[] => {
    const size = Math.max(length / STEP, angle / ANGLE_STEP) * (s1 - s0); // in nominal steps
    const seed = q0.map((q, i) => q + (velocity ? velocity[i] : 0) + centring(i, q) * size);
    const tolerance = s1 === 1 ? TIGHT : LOOSE;
    const q1 = arm.solver.solve(goalAt(s1), seed, STEP_ITERATIONS, tolerance) ?? arm.solver.solve(goalAt(s1), q0, STEP_ITERATIONS, tolerance);
    let jump = Infinity;
    if (q1) {
      jump = 0;
      for (let i = 0; i < q1.length; i++) jump = Math.max(jump, Math.abs(q1[i] - q0[i]));
    }
    if (q1 && jump <= MAX_JOINT_STEP && jump <= MAX_RATE * STEP * size + 1e-9) {
      joints.push(q1);
      points.push(pointAt(s1));
      return q1;
    }
    if (splits >= MAX_SPLITS) throw failure(s1, q1 ? 'flip' : 'reach', q0, q1 ?? undefined);
    const mid = (s0 + s1) / 2;
    const qm = advance(q0, s0, mid, splits + 1, null);
    return advance(qm, mid, s1, splits + 1, null);
  };

  let q: readonly number[] = from;
  let velocity: number[] | null = null;
  for (let k = 1; k <= steps; k++) {
    const next = advance(q, (k - 1) / steps, k / steps, 0, velocity);
    // The next waypoint is seeded ahead along the joint motion so far: fewer iterations per step.
    velocity = next.map((v, i) => v - q[i]);
    q = next;
  }
  return { joints, points };
}
