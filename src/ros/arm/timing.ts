import type { Vec3 } from '../../../primitives/schemas.ts';

// Time stamps for a joint path (the IK's waypoints of a straight tool line): as fast as the limits allow,
// and no faster. Each stretch between two waypoints gets a speed cap from the joint and tool speed limits;
// speeds ramp up from rest and down to rest within the joint acceleration limit (a forward and a backward
// pass over the caps, as in time-optimal path parameterization), so the arm starts and stops smoothly.

export interface PathLimits {
  /** Per joint, rad/s (m/s for prismatic joints). */
  jointSpeed: readonly number[];
  /** Per joint, rad/s². */
  jointAccel: readonly number[];
  /** m/s of the tool point. */
  toolSpeed: number;
  /** m/s² of the tool point. */
  toolAccel: number;
}

export interface TimedPath {
  joints: number[][];
  points: Vec3[];
  /** Seconds from the start of the motion at each waypoint; times[0] = 0. */
  times: number[];
}

const dist = (a: Vec3, b: Vec3) => Math.hypot(b.x - a.x, b.y - a.y, b.z - a.z);

/** Slightly under the limits, so a float rounding never makes a stretch look too fast to the envelope. */
const HEADROOM = 0.98;

export function timePath(path: { joints: number[][]; points: Vec3[] }, limits: PathLimits): TimedPath {
  const { joints, points } = path;
  const n = joints.length;
  if (n < 2) return { joints, points, times: n ? [0] : [] };
  // Progress is counted in stretches (0..n-1); sigma is stretches per second.
  const cap: number[] = [];
  const accel: number[] = [];
  for (let i = 0; i < n - 1; i++) {
    let minTime = dist(points[i]!, points[i + 1]!) / (limits.toolSpeed * HEADROOM);
    let accelCap = limits.toolAccel / Math.max(1e-9, dist(points[i]!, points[i + 1]!));
    joints[i]!.forEach((q, j) => {
      const dq = Math.abs(joints[i + 1]![j]! - q);
      minTime = Math.max(minTime, dq / (limits.jointSpeed[j]! * HEADROOM));
      if (dq > 1e-12) accelCap = Math.min(accelCap, limits.jointAccel[j]! / dq);
    });
    cap.push(minTime > 0 ? 1 / minTime : Infinity);
    accel.push(accelCap);
  }
  // Speed at each waypoint: at rest at both ends, within the caps of the stretches on either side.
  const sigma = new Array<number>(n).fill(0);
  for (let k = 1; k < n - 1; k++) sigma[k] = Math.min(cap[k - 1]!, cap[k]!);
  for (let k = 0; k < n - 1; k++) sigma[k + 1] = Math.min(sigma[k + 1]!, Math.sqrt(sigma[k]! ** 2 + 2 * accel[k]!));
  for (let k = n - 1; k > 0; k--) sigma[k - 1] = Math.min(sigma[k - 1]!, Math.sqrt(sigma[k]! ** 2 + 2 * accel[k - 1]!));
  const times = [0];
  for (let k = 0; k < n - 1; k++) times.push(times[k]! + stretchTime(sigma[k]!, sigma[k + 1]!, cap[k]!, accel[k]!));
  return { joints, points, times };
}

/** Time over one stretch (length 1) entered at v0 and left at v1: speed up at `a` to at most `cap`, then slow down. */
function stretchTime(v0: number, v1: number, cap: number, a: number): number {
  if (cap === Infinity) return 0; // a stretch that moves nothing
  if (a === Infinity) return 1 / cap;
  const peak = Math.min(cap, Math.sqrt((2 * a + v0 * v0 + v1 * v1) / 2));
  const up = (peak * peak - v0 * v0) / (2 * a);
  const down = (peak * peak - v1 * v1) / (2 * a);
  return (peak - v0) / a + (peak - v1) / a + Math.max(0, 1 - up - down) / peak;
}
