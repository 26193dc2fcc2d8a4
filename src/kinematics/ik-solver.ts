import type { ChainJoint } from './kinematic-chain.ts';
import { ChainKinematics } from './kinematic-chain.ts';
import { mulberry32 } from '../../sim/tabletop/prng.ts';
import { rotationVector } from './rigid-transform.ts';

// Numeric inverse kinematics for any serial chain (6-DOF UR/xArm, 7-DOF Franka, prismatic axes): damped
// least squares with Levenberg-Marquardt damping, each step projected into the joint limits. A solve from
// a seed finds the solution in the seed's basin (the same elbow and wrist branch); restarts from spread-out
// seeds find the others, and the one nearest the caller's joints wins.

export interface PoseGoal {
  /** Fingertip point in the base frame. */
  position: ArrayLike<number>;
  /** Tool frame orientation, 3x3 row-major. */
  rotation: ArrayLike<number>;
}

/** How far a rotation error counts against a position error: 1 rad weighs like 0.2 m. */
const ROTATION_WEIGHT = 0.2;
/** Converged: fingertip within a nanometre, tool axes within 1e-8 rad (a plan's inner waypoints take 100x that). */
export const TIGHT = { position: 1e-9, rotation: 1e-8 } as const;
export const LOOSE = { position: 1e-7, rotation: 1e-6 } as const;
/** Largest change of one joint per iteration (rad or m): steps stay local, in the seed's branch. */
const MAX_STEP = 0.35;
const RESTARTS = 16;

export class IkSolver {
  private readonly n: number;
  private readonly joints: readonly ChainJoint[];
  private readonly J: Float64Array;
  private readonly A = new Float64Array(36);
  private readonly e = new Float64Array(6);
  /** The error at the solve's current joints (e is overwritten by trials). */
  private readonly eAt = new Float64Array(6);
  private readonly y = new Float64Array(6);
  private readonly dq: Float64Array;
  private readonly trial: Float64Array;
  private readonly current: Float64Array;
  private readonly rotError = new Float64Array(9);
  private readonly rv = [0, 0, 0];
  private positionError = 0;
  private rotationError = 0;

  constructor(private readonly kin: ChainKinematics) {
    this.n = kin.dof;
    this.joints = kin.chain.joints;
    this.J = new Float64Array(6 * this.n);
    this.dq = new Float64Array(this.n);
    this.trial = new Float64Array(this.n);
    this.current = new Float64Array(this.n);
  }

  /** Local solve from `seed`: the converged joints (within limits), or null. */
  solve(goal: PoseGoal, seed: ArrayLike<number>, maxIterations = 100, tolerance: { position: number; rotation: number } = TIGHT): number[] | null {
    const { n, J, A, e, eAt, y, dq, trial, current } = this;
    for (let i = 0; i < n; i++) current[i] = this.clampJoint(i, seed[i]);
    let cost = this.evaluate(current, goal);
    let positionError = this.positionError, rotationError = this.rotationError;
    let lambda = 1e-6;
    let stale = true; // J and eAt must be taken at `current` (the chain is posed there)
    for (let iter = 0; iter < maxIterations; iter++) {
      if (positionError < tolerance.position && rotationError < tolerance.rotation) return Array.from(current);
      if (stale) {
        this.kin.jacobian(J);
        for (let r = 3; r < 6; r++) for (let c = 0; c < n; c++) J[r * n + c] *= ROTATION_WEIGHT;
        eAt.set(e);
        stale = false;
      }
      // (J Jᵀ + λ I) y = e, then dq = Jᵀ y: the damped least-squares step (6x6 whatever the joint count).
      for (let r = 0; r < 6; r++)
        for (let c = 0; c <= r; c++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += J[r * n + k] * J[c * n + k];
          A[r * 6 + c] = A[c * 6 + r] = s;
        }
      for (let r = 0; r < 6; r++) A[r * 7] += lambda;
      if (!solveSpd6(A, eAt, y)) {
        lambda *= 10;
        continue;
      }
      let largest = 0;
      for (let k = 0; k < n; k++) {
        let s = 0;
        for (let r = 0; r < 6; r++) s += J[r * n + k] * y[r];
        dq[k] = s;
        largest = Math.max(largest, Math.abs(s));
      }
      const scale = largest > MAX_STEP ? MAX_STEP / largest : 1;
      for (let k = 0; k < n; k++) trial[k] = this.clampJoint(k, current[k] + dq[k] * scale);
      const trialCost = this.evaluate(trial, goal);
      if (trialCost < cost) {
        current.set(trial);
        cost = trialCost;
        positionError = this.positionError;
        rotationError = this.rotationError;
        lambda = Math.max(lambda * 0.1, 1e-12);
        stale = true;
      } else {
        lambda *= 10;
        if (lambda > 1e3) return null; // a local minimum: out of reach, or pinned at a limit
      }
    }
    return null;
  }

  /**
   * The solution nearest `near`: first the solve seeded there (fast, keeps the branch), otherwise restarts
   * from spread-out seeds, keeping the nearest success.
   */
  solveNearest(goal: PoseGoal, near: readonly number[]): number[] | null {
    const local = this.solve(goal, near);
    if (local) return this.wrapNear(local, near);
    const random = mulberry32(0x5eed); // the same restarts every run: the simulator stays deterministic
    let best: number[] | null = null;
    let bestDistance = Infinity;
    const seed = new Array<number>(this.n);
    for (let r = 0; r < RESTARTS; r++) {
      for (let i = 0; i < this.n; i++) {
        const { lower, upper } = this.joints[i];
        const lo = Number.isFinite(lower) ? Math.max(lower, near[i] - Math.PI) : near[i] - Math.PI;
        const hi = Number.isFinite(upper) ? Math.min(upper, near[i] + Math.PI) : near[i] + Math.PI;
        seed[i] = lo + (hi - lo) * random();
      }
      const found = this.solve(goal, seed);
      if (!found) continue;
      const candidate = this.wrapNear(found, near);
      const distance = candidate.reduce((sum, q, i) => sum + (q - near[i]) ** 2, 0);
      if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
    }
    return best;
  }

  /** Each revolute joint turned by whole turns to lie nearest `near`, where its limits allow. */
  wrapNear(q: number[], near: readonly number[]): number[] {
    return q.map((value, i) => {
      const j = this.joints[i];
      if (j.prismatic) return value;
      const turns = Math.round((near[i] - value) / (2 * Math.PI));
      for (const k of [turns, turns - Math.sign(turns)]) {
        const wrapped = value + 2 * Math.PI * k;
        if (wrapped >= j.lower && wrapped <= j.upper) return wrapped;
      }
      return value;
    });
  }

  private clampJoint(i: number, value: number): number {
    const j = this.joints[i];
    return value < j.lower ? j.lower : value > j.upper ? j.upper : value;
  }

  /** Poses the chain at q, fills e (weighted) and returns the squared error. */
  private evaluate(q: ArrayLike<number>, goal: PoseGoal): number {
    const { kin, e, rotError: m, rv } = this;
    kin.update(q);
    const p = kin.point, t = kin.tool, g = goal.position, R = goal.rotation;
    e[0] = g[0] - p[0];
    e[1] = g[1] - p[1];
    e[2] = g[2] - p[2];
    // Rotation error: the rotation vector of R_goal · R_toolᵀ (in the base frame, like the Jacobian's ω rows).
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 3; c++) m[r * 3 + c] = R[r * 3] * t[c * 4] + R[r * 3 + 1] * t[c * 4 + 1] + R[r * 3 + 2] * t[c * 4 + 2];
    rotationVector(m, rv);
    e[3] = rv[0] * ROTATION_WEIGHT;
    e[4] = rv[1] * ROTATION_WEIGHT;
    e[5] = rv[2] * ROTATION_WEIGHT;
    this.positionError = Math.hypot(e[0], e[1], e[2]);
    this.rotationError = Math.hypot(rv[0], rv[1], rv[2]);
    return e[0] * e[0] + e[1] * e[1] + e[2] * e[2] + e[3] * e[3] + e[4] * e[4] + e[5] * e[5];
  }
}

/** Solves the symmetric positive definite 6x6 system A x = b by Cholesky (A is overwritten); false if singular. */
function solveSpd6(A: Float64Array, b: Float64Array, x: Float64Array): boolean {
  for (let j = 0; j < 6; j++) {
    let d = A[j * 7];
    for (let k = 0; k < j; k++) d -= A[j * 6 + k] * A[j * 6 + k];
    if (!(d > 1e-300)) return false;
    const l = Math.sqrt(d);
    A[j * 7] = l;
    for (let i = j + 1; i < 6; i++) {
      let s = A[i * 6 + j];
      for (let k = 0; k < j; k++) s -= A[i * 6 + k] * A[j * 6 + k];
      A[i * 6 + j] = s / l;
    }
  }
  for (let i = 0; i < 6; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= A[i * 6 + k] * x[k];
    x[i] = s / A[i * 7];
  }
  for (let i = 5; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < 6; k++) s -= A[k * 6 + i] * x[k];
    x[i] = s / A[i * 7];
  }
  return true;
}
