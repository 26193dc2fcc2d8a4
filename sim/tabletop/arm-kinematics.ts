import type { Vec3 } from '../../primitives/schemas.ts';

// A UR-style six-joint arm, for rendering and for reporting joint angles only: the gripper moves in
// Cartesian space and the arm has no colliders. UR Denavit-Hartenberg layout with UR5 proportions stretched
// by about 15%: with the base at the origin a real UR5 (0.85 m reach) cannot get its gripper down to the far
// workspace corners (x = 0.8, y = ±0.3, table height), and a UR10 folds awkwardly over its base for near ones.
// The analytic inverse follows Hawkins, "Analytic Inverse Kinematics for the Universal Robots UR-5/UR-10".
// No imports beyond types, so the browser renderer can use it too.

export const ARM_DH = {
  d1: 0.1,
  a2: -0.5,
  a3: -0.45,
  d4: 0.11,
  d5: 0.095,
  d6: 0.082,
} as const;

const { d1, a2, a3, d4, d5, d6 } = ARM_DH;
const D = [d1, 0, 0, d4, d5, d6];
const A = [0, a2, a3, 0, 0, 0];
const ALPHA = [Math.PI / 2, 0, 0, Math.PI / 2, -Math.PI / 2, 0];

/** Flange to tool point (between the fingertips): coupling plus a Robotiq 2F-85-sized gripper. */
export const TOOL_LENGTH = 0.16;

/** Row-major 4x4 homogeneous transform. */
export type Mat4 = number[];

function multiply(m: Mat4, n: Mat4): Mat4 {
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) for (let k = 0; k < 4; k++) out[r * 4 + c] += m[r * 4 + k] * n[k * 4 + c];
  return out;
}

function dhLink(i: number, theta: number): Mat4 {
  const ct = Math.cos(theta), st = Math.sin(theta), ca = Math.cos(ALPHA[i]), sa = Math.sin(ALPHA[i]);
  return [ct, -st * ca, st * sa, A[i] * ct, st, ct * ca, -ct * sa, A[i] * st, 0, sa, ca, D[i], 0, 0, 0, 1];
}

/** Base frame followed by the frame after each joint; the last one is the flange. */
export function jointFrames(joints: readonly number[]): Mat4[] {
  const frames: Mat4[] = [[1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]];
  for (let i = 0; i < 6; i++) frames.push(multiply(frames[i], dhLink(i, joints[i])));
  return frames;
}

/** Where the tool point ends up for these joint angles (forward kinematics). */
export function toolPointOf(joints: readonly number[]): Vec3 {
  const f = jointFrames(joints)[6];
  // The tool point lies TOOL_LENGTH along the flange's z axis.
  return { x: f[3] + f[2] * TOOL_LENGTH, y: f[7] + f[6] * TOOL_LENGTH, z: f[11] + f[10] * TOOL_LENGTH };
}

/** A comfortable elbow-up, wrist-down pose used to choose among the eight analytic solutions. */
export const REST_JOINTS: readonly number[] = [Math.PI, -1.2, 1.6, -2.0, -Math.PI / 2, 0];

const wrap = (a: number) => Math.atan2(Math.sin(a), Math.cos(a));
const clampUnit = (v: number) => Math.min(1, Math.max(-1, v));

/**
 * Joint angles (radians) that put the tool point at `tool`, gripper pointing straight down with the fingers
 * closing along y. Of the eight solutions, the one nearest `near` (the previous pose) keeps motion smooth.
 * Out-of-reach targets are clamped to the nearest stretched-out pose rather than failing: it is only a picture.
 */
export function armJointsFor(tool: Vec3, near: readonly number[] = REST_JOINTS): number[] {
  // Flange pose: x along world x, z pointing down (so y along -y).
  const T = [1, 0, 0, tool.x, 0, -1, 0, tool.y, 0, 0, -1, tool.z + TOOL_LENGTH];
  const [T00, T01, T02, T03, T10, T11, T12, T13, T20, T21, T22, T23] = T;
  let best: number[] | undefined;
  let bestCost = Infinity;

  const p05x = d6 * T02 - T03;
  const p05y = d6 * T12 - T13;
  const r = Math.hypot(p05x, p05y);
  const shoulder = Math.acos(clampUnit(d4 / Math.max(r, 1e-9)));
  const base = Math.atan2(-p05x, p05y);
  for (const q1 of [base + shoulder, base - shoulder]) {
    const s1 = Math.sin(q1), c1 = Math.cos(q1);
    const wrist = Math.acos(clampUnit((T03 * s1 - T13 * c1 - d4) / d6));
    for (const q5 of [wrist, -wrist]) {
      const s5 = Math.sin(q5), c5 = Math.cos(q5);
      const q6 = Math.abs(s5) < 1e-9 ? near[5] : Math.atan2(-(T01 * s1 - T11 * c1) / s5, (T00 * s1 - T10 * c1) / s5);
      const s6 = Math.sin(q6), c6 = Math.cos(q6);
      const x04x = -s5 * (T02 * c1 + T12 * s1) - c5 * (s6 * (T01 * c1 + T11 * s1) - c6 * (T00 * c1 + T10 * s1));
      const x04y = c5 * (T20 * c6 - T21 * s6) - T22 * s5;
      const p13x = d5 * (s6 * (T00 * c1 + T10 * s1) + c6 * (T01 * c1 + T11 * s1)) - d6 * (T02 * c1 + T12 * s1) + T03 * c1 + T13 * s1;
      const p13y = T23 - d1 - d6 * T22 + d5 * (T21 * c6 + T20 * s6);
      const c3 = clampUnit((p13x * p13x + p13y * p13y - a2 * a2 - a3 * a3) / (2 * a2 * a3));
      for (const q3 of [Math.acos(c3), -Math.acos(c3)]) {
        const s3 = Math.sin(q3);
        const q2 = Math.atan2(p13y, p13x) - Math.atan2(a3 * s3, a2 + a3 * c3);
        const q23 = q2 + q3;
        const q4 = Math.atan2(Math.cos(q23) * x04y - Math.sin(q23) * x04x, x04x * Math.cos(q23) + x04y * Math.sin(q23));
        const candidate = [q1, q2, q3, q4, q5, q6].map((q, i) => near[i] + wrap(q - near[i]));
        const cost = candidate.reduce((sum, q, i) => sum + (q - near[i]) ** 2, 0);
        if (cost < bestCost) [best, bestCost] = [candidate, cost];
      }
    }
  }
  return best!;
}
