import type { Vec3 } from '../../primitives/schemas.ts';

// One kinematic model for every arm Wand drives: the simulator's own (a URDF in the repo) and a real robot's
// (its robot_description). Built from the URDF by loadArmModel; the simulator, the ROS arm backend, the
// safety envelope and the page all use this one shape.

export interface JointInfo {
  name: string;
  type: 'revolute' | 'continuous' | 'prismatic';
  /** Radians or metres; -Infinity / Infinity for a continuous joint. */
  lower: number;
  upper: number;
  /** rad/s or m/s; Infinity when the URDF sets none. */
  velocity: number;
}

export interface ToolPose {
  position: Vec3;
  /** 3x3 row-major: the columns are the tool frame's x, y and z axes in the base frame. */
  rotation: number[];
}

export interface LinePlan {
  /** Joint waypoints from `from` (included) to the target, at most about 1 cm of tool travel apart. */
  joints: number[][];
  /** The tool point at each waypoint, on the straight line. */
  points: Vec3[];
}

export interface ArmModel {
  readonly baseFrame: string;
  readonly toolFrame: string;
  /** Movable joints of the chain, base → tool order. Joint vectors follow this order. */
  readonly joints: readonly JointInfo[];
  /** Tool frame to fingertip point, in the tool frame's own axes. */
  readonly toolOffset: Vec3;
  /** The URDF text the model was built from (the page renders it). */
  readonly urdf: string;
  /** Fingertip point (toolOffset applied) in the base frame. */
  toolPoint(q: readonly number[]): Vec3;
  /** Pose of the fingertip point with the tool frame's axes, in the base frame. */
  toolPose(q: readonly number[]): ToolPose;
  /**
   * Top-down IK for the fingertip point (tool +z straight down, yaw kept from `near` unless the model fixes
   * one): the solution nearest `near`, within the joint limits; null if there is none.
   */
  ik(target: Vec3, near: readonly number[]): number[] | null;
  /**
   * A straight fingertip line from the pose at `from` to the top-down pose at `to`, as joint waypoints that
   * never flip a joint branch, within limits. Throws a WandError (kind 'workspace') naming the reason.
   */
  planLine(from: readonly number[], to: Vec3): LinePlan;
  /** Joint values by joint name (for /joint_states, goals and the page); a vector of the wrong length is a usage error. */
  byName(q: readonly number[]): Record<string, number>;
  /** Joint vector in chain order from values by name (extra names are ignored, missing ones throw). */
  fromNames(values: Readonly<Record<string, number>>): number[];
}

export interface ArmModelOptions {
  baseFrame: string;
  toolFrame: string;
  /** Tool frame to fingertip point, in the tool frame's axes (default: none). */
  toolOffset?: Vec3;
  /** Tool yaw about vertical in radians (tool x axis from base x); default: keep the yaw the tool has at `near`. */
  toolYaw?: number;
}

export { loadArmModel } from './load-arm-model.ts';
export { simArmModel } from './sim-arm.ts';
