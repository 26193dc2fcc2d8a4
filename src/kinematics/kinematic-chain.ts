import type { URDFJoint, URDFLink, URDFRobot } from 'urdf-loader';
import { WandError } from '../core/errors.ts';
import type { Vec3 } from '../../primitives/schemas.ts';
import type { JointInfo } from './arm-model.ts';
import { compose, fromQuaternion, identity, rotation, translation, type Transform } from './rigid-transform.ts';

// The serial chain from the base frame to the tool frame, read off a parsed URDF. Every fixed joint's
// <origin> (a UR's base_link turned π about z, the flange and tool0 rotations, an xacro's offsets) is composed
// into the next movable joint's origin, so nothing assumes Denavit-Hartenberg parameters.

export interface ChainJoint extends JointInfo {
  /** From the previous movable joint's frame (or the base) to this joint's frame at zero. */
  origin: Transform;
  /** Unit axis in this joint's frame. */
  axis: [number, number, number];
  prismatic: boolean;
}

export interface KinematicChain {
  joints: ChainJoint[];
  /** From the last movable joint's frame to the tool frame. */
  tail: Transform;
}

const IDENTITY = identity();
const MOVABLE = new Set(['revolute', 'continuous', 'prismatic']);

function linkNames(robot: URDFRobot): string {
  const names = Object.keys(robot.links);
  return names.slice(0, 12).join(', ') + (names.length > 12 ? `, … (${names.length} links)` : '');
}

function limitsOf(joint: URDFJoint): Pick<JointInfo, 'lower' | 'upper' | 'velocity'> {
  const node = joint.urdfNode;
  const limit = node ? Array.from(node.children).find((c) => c.nodeName === 'limit') : undefined;
  const attr = (name: string) => {
    const text = limit?.getAttribute(name);
    if (text === null || text === undefined || text.trim() === '') return undefined;
    const value = Number(text);
    if (Number.isNaN(value)) throw new WandError('usage', `URDF joint "${joint.name}" has a non-numeric limit ${name}="${text}"`);
    return value;
  };
  const velocity = attr('velocity');
  const speed = velocity === undefined || velocity <= 0 ? Infinity : velocity;
  if (joint.jointType === 'continuous') return { lower: -Infinity, upper: Infinity, velocity: speed };
  if (!limit) throw new WandError('usage', `URDF joint "${joint.name}" is ${joint.jointType} but has no <limit lower="…" upper="…"/>`);
  // The URDF specification defaults a missing lower or upper bound to zero.
  const lower = attr('lower') ?? 0;
  const upper = attr('upper') ?? 0;
  if (!(lower <= upper)) throw new WandError('usage', `URDF joint "${joint.name}" has lower limit ${lower} above its upper limit ${upper}`);
  return { lower, upper, velocity: speed };
}

export function extractChain(robot: URDFRobot, baseFrame: string, toolFrame: string): KinematicChain {
  for (const [role, frame] of [['baseFrame', baseFrame], ['toolFrame', toolFrame]] as const) {
    if (typeof frame !== 'string' || !frame) throw new WandError('usage', `${role} must name a link of the URDF`);
    if (!robot.links[frame]) {
      throw new WandError('usage', `${role} "${frame}" is not a link of the URDF (it has ${linkNames(robot)})`);
    }
  }
  const base = robot.links[baseFrame];
  const path: URDFJoint[] = [];
  let node: URDFLink = robot.links[toolFrame];
  while (node !== base) {
    const joint = node.parent as URDFJoint | null;
    if (!joint || !(joint as { isURDFJoint?: boolean }).isURDFJoint) {
      throw new WandError(
        'usage',
        `toolFrame "${toolFrame}" is not below baseFrame "${baseFrame}" in the URDF tree: the chain from the base to the tool must run from parent to child links`,
      );
    }
    path.unshift(joint);
    node = joint.parent as URDFLink;
  }

  const joints: ChainJoint[] = [];
  let pending = identity();
  for (const joint of path) {
    const origin = compose(pending, fromQuaternion(joint.quaternion, joint.position), identity());
    if (joint.jointType === 'fixed') {
      pending = origin;
      continue;
    }
    if (!MOVABLE.has(joint.jointType)) {
      throw new WandError('usage', `URDF joint "${joint.name}" between "${baseFrame}" and "${toolFrame}" is ${joint.jointType}; an arm chain can only have revolute, continuous, prismatic and fixed joints`);
    }
    const mimic = (joint as { mimicJoint?: string }).mimicJoint;
    if (mimic !== undefined) {
      throw new WandError('usage', `URDF joint "${joint.name}" between "${baseFrame}" and "${toolFrame}" mimics "${mimic}"; mimic joints inside the arm chain are not supported`);
    }
    const { x, y, z } = joint.axis;
    const length = Math.hypot(x, y, z);
    if (!(Math.abs(length - 1) < 1e-6)) throw new WandError('usage', `URDF joint "${joint.name}" has no usable <axis xyz="…"/>`);
    joints.push({
      name: joint.name,
      type: joint.jointType as JointInfo['type'],
      ...limitsOf(joint),
      origin,
      axis: [x, y, z],
      prismatic: joint.jointType === 'prismatic',
    });
    pending = identity();
  }
  if (joints.length === 0) {
    throw new WandError('usage', `the URDF chain from "${baseFrame}" to "${toolFrame}" has no movable joint`);
  }
  return { joints, tail: pending };
}

/**
 * Forward kinematics and the geometric Jacobian of a chain, with scratch buffers reused between calls: the
 * solver evaluates it thousands of times per move.
 */
export class ChainKinematics {
  readonly dof: number;
  /** Joint origins and axes in the base frame after the last `update`. */
  readonly origins: Float64Array;
  readonly axes: Float64Array;
  /** Base → tool frame after the last `update`. */
  readonly tool: Transform = identity();
  /** Fingertip point after the last `update`. */
  readonly point = new Float64Array(3);
  private readonly a = identity();
  private readonly b = identity();
  private readonly motion = identity();

  constructor(
    readonly chain: KinematicChain,
    private readonly offset: Vec3,
  ) {
    this.dof = chain.joints.length;
    this.origins = new Float64Array(3 * this.dof);
    this.axes = new Float64Array(3 * this.dof);
  }

  /** Poses every joint and the tool for `q`. */
  update(q: ArrayLike<number>): void {
    let acc = this.a, next = this.b, swap: Transform;
    acc.set(IDENTITY);
    for (let i = 0; i < this.dof; i++) {
      const j = this.chain.joints[i];
      compose(acc, j.origin, next);
      swap = acc; acc = next; next = swap;
      const [ax, ay, az] = j.axis;
      this.origins[3 * i] = acc[3];
      this.origins[3 * i + 1] = acc[7];
      this.origins[3 * i + 2] = acc[11];
      this.axes[3 * i] = acc[0] * ax + acc[1] * ay + acc[2] * az;
      this.axes[3 * i + 1] = acc[4] * ax + acc[5] * ay + acc[6] * az;
      this.axes[3 * i + 2] = acc[8] * ax + acc[9] * ay + acc[10] * az;
      if (j.prismatic) translation(j.axis, q[i], this.motion);
      else rotation(j.axis, q[i], this.motion);
      compose(acc, this.motion, next);
      swap = acc; acc = next; next = swap;
    }
    compose(acc, this.chain.tail, this.tool);
    const t = this.tool, o = this.offset;
    this.point[0] = t[3] + t[0] * o.x + t[1] * o.y + t[2] * o.z;
    this.point[1] = t[7] + t[4] * o.x + t[5] * o.y + t[6] * o.z;
    this.point[2] = t[11] + t[8] * o.x + t[9] * o.y + t[10] * o.z;
  }

  /** Geometric Jacobian at the fingertip for the last `update`: 6 rows (linear, angular) × dof, row-major. */
  jacobian(out: Float64Array): Float64Array {
    const n = this.dof, p = this.point;
    for (let i = 0; i < n; i++) {
      const ax = this.axes[3 * i], ay = this.axes[3 * i + 1], az = this.axes[3 * i + 2];
      if (this.chain.joints[i].prismatic) {
        out[i] = ax; out[n + i] = ay; out[2 * n + i] = az;
        out[3 * n + i] = 0; out[4 * n + i] = 0; out[5 * n + i] = 0;
      } else {
        const rx = p[0] - this.origins[3 * i], ry = p[1] - this.origins[3 * i + 1], rz = p[2] - this.origins[3 * i + 2];
        out[i] = ay * rz - az * ry;
        out[n + i] = az * rx - ax * rz;
        out[2 * n + i] = ax * ry - ay * rx;
        out[3 * n + i] = ax; out[4 * n + i] = ay; out[5 * n + i] = az;
      }
    }
    return out;
  }
}
