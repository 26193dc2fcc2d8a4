import type { Vec3 } from '../../primitives/schemas.ts';
import { WandError } from '../core/errors.ts';
import type { EnvelopeEvent } from './envelope.ts';

// The safety envelope of an arm: every joint trajectory is checked here before it is sent, on the robot
// and in its rehearsal twin alike. It does not trust the planner that made the trajectory: the tool point
// is recomputed from the joints (forward kinematics) at every waypoint and between waypoints.

export interface Box {
  x: readonly [number, number];
  y: readonly [number, number];
  z: readonly [number, number];
}

export interface ArmLimits {
  /** The box the tool point stays in (base frame). */
  workspace: Box;
  /** Height of the table top in the base frame, and how far above it the tool point must stay. */
  tableZ: number;
  tableMargin: number;
  joints: readonly { name: string; lower: number; upper: number }[];
  /** Per joint, rad/s (m/s). */
  jointSpeed: readonly number[];
  /** m/s of the tool point. */
  toolSpeed: number;
}

/** A joint trajectory as it would be sent: positions at times (seconds from its start). */
export interface JointTrajectory {
  joints: readonly (readonly number[])[];
  times: readonly number[];
}

const JOINT_TOLERANCE = 1e-6;
const BOX_TOLERANCE = 1e-4;
const SPEED_TOLERANCE = 1.001;

const f3 = (v: number) => (Math.round(v * 1000) / 1000).toString();

export class ArmEnvelope {
  readonly events: EnvelopeEvent[] = [];

  constructor(
    readonly limits: ArmLimits,
    /** Forward kinematics of the tool point (base frame). */
    private readonly toolPoint: (q: readonly number[]) => Vec3,
  ) {}

  /** A fresh copy with no events, for a rehearsal. */
  copy(): ArmEnvelope {
    return new ArmEnvelope(this.limits, this.toolPoint);
  }

  record(kind: EnvelopeEvent['kind'], message: string): WandError {
    this.events.push({ kind, message });
    return new WandError('safety', message);
  }

  /** Table coordinates (z = 0 on the table top), as programs see them. */
  private pointText(p: Vec3): string {
    return `(${f3(p.x)}, ${f3(p.y)}, ${f3(p.z - this.limits.tableZ)})`;
  }

  /** How far a point is outside the workspace box, and below the table margin. */
  private outside(p: Vec3): { box: number; table: number } {
    const { x, y, z } = this.limits.workspace;
    const d = (v: number, [lo, hi]: readonly [number, number]) => Math.max(lo - v, v - hi, 0);
    return { box: Math.hypot(d(p.x, x), d(p.y, y), d(p.z, z)), table: Math.max(0, this.limits.tableZ + this.limits.tableMargin - p.z) };
  }

  /**
   * Refuses (kind safety, naming the limit; nothing has been sent) a trajectory that breaks a joint limit,
   * leaves the workspace box, takes the tool point below the table plus margin, or is too fast. An arm that
   * already is outside the box (parked) may move back toward it, never farther out.
   */
  check(t: JointTrajectory, what: string): void {
    const { joints: q, times } = t;
    const L = this.limits;
    for (let i = 0; i < q.length; i++) {
      L.joints.forEach((j, k) => {
        const v = q[i]![k]!;
        if (!Number.isFinite(v)) throw this.record('joint_limit', `${what}: refused: joint ${j.name} has no valid position in the trajectory; nothing moved`);
        if (v < j.lower - JOINT_TOLERANCE || v > j.upper + JOINT_TOLERANCE) {
          throw this.record(
            'joint_limit',
            `${what}: refused by the joint limits: ${j.name} would reach ${f3(v)}, outside its limits ${f3(j.lower)}..${f3(j.upper)}; nothing moved`,
          );
        }
      });
    }
    let worst = this.outside(this.toolPoint(q[0]!));
    for (let i = 0; i + 1 < q.length; i++) {
      const mid = q[i]!.map((v, k) => (v + q[i + 1]![k]!) / 2);
      for (const p of [this.toolPoint(mid), this.toolPoint(q[i + 1]!)]) {
        const out = this.outside(p);
        if (out.table > worst.table + BOX_TOLERANCE) {
          throw this.record(
            'table',
            `${what}: refused: the gripper would go down to z = ${f3(p.z - L.tableZ)} at ${this.pointText(p)}, below the table top plus its ` +
              `${f3(L.tableMargin)} m margin; nothing moved`,
          );
        }
        if (out.box > worst.box + BOX_TOLERANCE) {
          const { x, y, z } = L.workspace;
          throw this.record(
            'workspace',
            `${what}: refused: the gripper would leave the workspace box at ${this.pointText(p)} (x ${f3(x[0])}..${f3(x[1])}, ` +
              `y ${f3(y[0])}..${f3(y[1])}, z ${f3(z[0] - L.tableZ)}..${f3(z[1] - L.tableZ)}); nothing moved`,
          );
        }
        worst = { box: Math.max(BOX_TOLERANCE, Math.min(worst.box, out.box)), table: Math.max(BOX_TOLERANCE, Math.min(worst.table, out.table)) };
      }
    }
    for (let i = 0; i + 1 < q.length; i++) {
      const dt = times[i + 1]! - times[i]!;
      const a = this.toolPoint(q[i]!);
      const b = this.toolPoint(q[i + 1]!);
      const moved = Math.hypot(b.x - a.x, b.y - a.y, b.z - a.z);
      const turned = L.joints.map((_, k) => Math.abs(q[i + 1]![k]! - q[i]![k]!));
      if (moved === 0 && turned.every((d) => d === 0)) continue;
      const toolSpeed = dt > 0 ? moved / dt : Infinity;
      if (toolSpeed > L.toolSpeed * SPEED_TOLERANCE) {
        throw this.record('speed', `${what}: refused: the gripper would move at ${f3(toolSpeed)} m/s, over the limit of ${f3(L.toolSpeed)} m/s (maxToolSpeed); nothing moved`);
      }
      L.joints.forEach((j, k) => {
        const speed = dt > 0 ? turned[k]! / dt : Infinity;
        if (speed > L.jointSpeed[k]! * SPEED_TOLERANCE) {
          throw this.record('speed', `${what}: refused: ${j.name} would move at ${f3(speed)}/s, over its limit of ${f3(L.jointSpeed[k]!)}/s; nothing moved`);
        }
      });
    }
  }

  /** For the JSON result and status lines. */
  describe() {
    const { workspace, tableZ, tableMargin, toolSpeed } = this.limits;
    return { workspace, tableZ, tableMargin, maxToolSpeed: toolSpeed, jointSpeed: [...this.limits.jointSpeed] };
  }
}
