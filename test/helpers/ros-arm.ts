import { Euler, Matrix4, Quaternion, Vector3 } from 'three';
import type { Vec3 } from '../../primitives/schemas.ts';
import { readFileSync } from 'node:fs';
import { loadArmModel, type ArmModel } from '../../src/kinematics/arm-model.ts';
import { SIM_ARM_REST, SIM_ARM_URDF } from '../../src/kinematics/sim-arm.ts';
import { armTypes } from './ros-arm-messages.ts';
import { RosbridgeTestServer, type BridgeOptions, type Flavor } from './rosbridge-server.ts';
import { TestActionServer, type ServerGoal } from './test-action-server.ts';

// A robot arm behind the test bridge, as ros_control and a detector present one over rosbridge:
// - a joint trajectory controller (control_msgs/FollowJointTrajectory) that executes goals over time,
//   splices a new goal onto the current state (the old one ends preempted, on ROS 2 cancelled with
//   INVALID_GOAL), rejects goals with the wrong joints or a first point the arm cannot reach in time,
//   and holds still on a cancel;
// - a gripper (control_msgs/GripperCommand) whose fingers stop on an object between them (a stall, which
//   ends the goal aborted with stalled: true, like ros2_control's GripperActionController);
// - /joint_states at 100 Hz, names in alphabetical order plus the gripper's finger joint;
// - vision_msgs/Detection3DArray at 20 Hz; an object held by the gripper moves with it;
// - rosapi: the URDF as robot_description (ROS 1 /robot_description, ROS 2 robot_state_publisher's).
// Its clock can run faster than the wall clock (timeScale), like a simulation: stamps say so.

export interface TestObject {
  /** The detector's class id (sent as an int64 on ROS 1 noetic, a string on ROS 2). */
  classId: string;
  /** "<colour> block" or "<colour> bowl": what the config's names should map the class id to. */
  name: string;
  /** Base frame, centre of the box. */
  position: Vec3;
}

export interface TestArmOptions {
  flavor?: Flavor;
  urdf: string;
  /** The same URDF loaded as a model: the arm's forward kinematics (where its fingertips are). */
  model: ArmModel;
  /** Start joints, the model's order. */
  joints: number[];
  /** Simulated seconds per wall second. */
  timeScale?: number;
  objects?: TestObject[];
  /** The detector's frame and its pose in the base frame (default: the base frame itself). */
  detectionFrame?: { name: string; xyz: [number, number, number]; rpy: [number, number, number] };
  trajectoryAction?: string;
  gripperAction?: string;
  /** Options for the bridge itself. */
  bridge?: BridgeOptions;
}

const SIZE = { block: { x: 0.04, y: 0.04, z: 0.04 }, bowl: { x: 0.12, y: 0.12, z: 0.05 } };
const EPOCH_S = 1_700_000_000;
const OPEN = 0.085;
const FINGER_SPEED = 0.2;
const FINGER_JOINT = 'finger_joint';

interface Motion {
  goal: ServerGoal;
  start: number;
  from: number[];
  points: { t: number; q: number[] }[];
  failAt?: number;
  failure?: { code: number; text: string };
  stall?: boolean;
}

interface ObjectState {
  classId: string;
  name: string;
  kind: 'block' | 'bowl';
  position: Vec3;
}

export class TestArm {
  readonly names: string[];
  q: number[];
  opening = OPEN;
  readonly objects: ObjectState[];
  held: { index: number; offset: Vec3 } | null = null;
  jointStatesOn = true;
  detectionsOn = true;
  /** Added to every reported object position: a detector that is off. */
  detectionError = { x: 0, y: 0, z: 0 };
  /** The next trajectory goal: rejected, aborted with an error code after some seconds of motion, or never finishing. */
  rejectNext = false;
  failNext: { code: number; afterS: number; text?: string } | null = null;
  stallNext = false;
  readonly trajectory: TestActionServer;
  readonly gripper: TestActionServer;
  private motion: Motion | null = null;
  private grip: { goal: ServerGoal; target: number } | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private lastStep = performance.now();
  private simS = 0;
  private seq = 0;
  private readonly frame: { name: string; toFrame: Matrix4 } | null;

  constructor(
    readonly bridge: RosbridgeTestServer,
    private readonly opts: TestArmOptions,
  ) {
    const ros2 = bridge.flavor === 'ros2';
    this.names = opts.model.joints.map((j) => j.name);
    this.q = [...opts.joints];
    this.objects = (opts.objects ?? []).map((o) => ({ ...o, kind: o.name.endsWith('bowl') ? 'bowl' : 'block', position: { ...o.position } }));
    const f = opts.detectionFrame;
    this.frame = f
      ? {
          name: f.name,
          toFrame: new Matrix4().compose(new Vector3(...f.xyz), new Quaternion().setFromEuler(new Euler(f.rpy[0], f.rpy[1], f.rpy[2], 'ZYX')), new Vector3(1, 1, 1)).invert(),
        }
      : null;
    const t = (name: string) => (ros2 ? name.replace('/', '/msg/') : name);
    bridge.extend({
      types: armTypes(bridge.flavor),
      topics: { '/joint_states': t('sensor_msgs/JointState'), '/detections': t('vision_msgs/Detection3DArray'), ...(ros2 ? { '/robot_description': 'std_msgs/msg/String' } : {}) },
      params: { [ros2 ? '/robot_state_publisher:robot_description' : '/robot_description']: opts.urdf },
      close: () => this.close(),
    });
    this.trajectory = new TestActionServer(bridge, opts.trajectoryAction ?? '/arm_controller/follow_joint_trajectory', 'control_msgs/FollowJointTrajectory', {
      onGoal: (g) => this.onTrajectory(g),
      onCancel: (g) => {
        if (this.motion?.goal !== g) return;
        this.motion = null;
        g.canceled({ error_code: 0 });
      },
    });
    this.gripper = new TestActionServer(bridge, opts.gripperAction ?? '/gripper_controller/gripper_cmd', 'control_msgs/GripperCommand', {
      onGoal: (g) => this.onGripper(g),
      onCancel: (g) => {
        if (this.grip?.goal !== g) return;
        this.grip = null;
        g.canceled(this.gripperResult(false, false));
      },
    });
    this.timers.push(setInterval(() => this.step(), 5));
    this.timers.push(setInterval(() => this.publishJointStates(), 10));
    this.timers.push(setInterval(() => this.publishDetections(), 50));
  }

  /** The arm's clock: simulated seconds since it started. */
  now(): number {
    return this.simS;
  }

  toolPoint(): Vec3 {
    return this.opts.model.toolPoint(this.q);
  }

  /** Trajectory goals received (ROS 1 republished copies counted once). */
  get goals(): ServerGoal[] {
    return this.trajectory.received;
  }

  /** The gripper loses what it holds (it stays where it is). */
  drop(): void {
    this.held = null;
  }

  heldName(): string | null {
    return this.held ? this.objects[this.held.index]!.name : null;
  }

  objectNamed(name: string): ObjectState | undefined {
    return this.objects.find((o) => o.name === name);
  }

  close(): void {
    for (const t of this.timers) clearInterval(t);
    this.trajectory.close();
    this.gripper.close();
  }

  // --- the trajectory controller ----------------------------------------------------------------------

  private onTrajectory(g: ServerGoal): void {
    const traj = g.goal.trajectory as { joint_names: string[]; points: { positions: number[]; time_from_start: any }[] };
    const reject = (code: number, text: string) => g.reject({ error_code: code, error_string: text }, text);
    if (this.rejectNext) {
      this.rejectNext = false;
      return reject(-1, 'rejected on purpose');
    }
    const names = traj.joint_names;
    if (names.length !== this.names.length || !this.names.every((n) => names.includes(n))) {
      return reject(-2, "Joints on incoming goal don't match the controller joints.");
    }
    const order = this.names.map((n) => names.indexOf(n));
    const points = traj.points.map((p) => ({ t: seconds(p.time_from_start), q: order.map((i) => p.positions[i]!) }));
    if (!points.length || points.some((p, i) => p.q.some((v) => !Number.isFinite(v)) || p.t <= (i ? points[i - 1]!.t : 0))) {
      return reject(-1, 'the trajectory must have points with positions for every joint at increasing times after 0');
    }
    // A first point the arm cannot reach in time (a trajectory not starting from where the arm is).
    const first = points[0]!;
    const joints = this.opts.model.joints;
    if (first.q.some((v, i) => Math.abs(v - this.q[i]!) / first.t > 2 * joints[i]!.velocity)) {
      return reject(-1, 'the first point is too far from the current state');
    }
    if (this.motion) {
      // Replaced: ROS 1 reports the old goal preempted; ros2_controllers cancels it with INVALID_GOAL.
      const ros2 = this.bridge.flavor === 'ros2';
      this.motion.goal.canceled(ros2 ? { error_code: -1, error_string: 'Current goal cancelled due to new incoming action.' } : { error_code: 0 });
    }
    g.accept();
    const now = this.now();
    this.motion = { goal: g, start: now, from: [...this.q], points };
    if (this.failNext) {
      this.motion.failAt = now + this.failNext.afterS;
      this.motion.failure = { code: this.failNext.code, text: this.failNext.text ?? '' };
      this.failNext = null;
    }
    if (this.stallNext) {
      this.motion.stall = true;
      this.stallNext = false;
    }
  }

  private stepMotion(): void {
    const m = this.motion;
    if (!m) return;
    const t = this.now() - m.start;
    if (m.failAt !== undefined && this.now() >= m.failAt) {
      this.motion = null;
      return m.goal.abort({ error_code: m.failure!.code, error_string: m.failure!.text }, m.failure!.text);
    }
    const pts = [{ t: 0, q: m.from }, ...m.points];
    let k = 1;
    while (k < pts.length - 1 && pts[k]!.t < t) k++;
    const a = pts[k - 1]!;
    const b = pts[k]!;
    const f = Math.min(1, Math.max(0, (t - a.t) / (b.t - a.t)));
    this.q = a.q.map((v, i) => v + (b.q[i]! - v) * f);
    if (t >= pts.at(-1)!.t && !m.stall) {
      this.motion = null;
      m.goal.succeed({ error_code: 0 });
    }
  }

  // --- the gripper -----------------------------------------------------------------------------------

  private onGripper(g: ServerGoal): void {
    const target = Math.min(OPEN, Math.max(0, g.goal.command.position as number));
    if (this.grip) this.grip.goal.canceled(this.gripperResult(false, false));
    g.accept();
    this.grip = { goal: g, target };
    if (target > this.opening && this.held) this.release();
  }

  private gripperResult(stalled: boolean, reached: boolean) {
    return { position: this.opening, effort: stalled ? 40 : 0, stalled, reached_goal: reached };
  }

  private stepGripper(dt: number): void {
    const grip = this.grip;
    if (!grip) return;
    const dir = Math.sign(grip.target - this.opening);
    const next = this.opening + dir * Math.min(Math.abs(grip.target - this.opening), FINGER_SPEED * dt);
    if (dir < 0 && !this.held) {
      const i = this.objectBetweenFingers();
      if (i >= 0 && next <= SIZE[this.objects[i]!.kind].y) {
        this.opening = SIZE[this.objects[i]!.kind].y;
        const tool = this.toolPoint();
        const p = this.objects[i]!.position;
        this.held = { index: i, offset: { x: p.x - tool.x, y: p.y - tool.y, z: p.z - tool.z } };
        this.grip = null;
        return grip.goal.abort(this.gripperResult(true, false));
      }
    }
    this.opening = next;
    if (this.opening === grip.target) {
      this.grip = null;
      grip.goal.succeed(this.gripperResult(false, true));
    }
  }

  /** A block between the fingertips: the tool point inside its box (a little slack around it). */
  private objectBetweenFingers(): number {
    const t = this.toolPoint();
    return this.objects.findIndex((o) => {
      const s = SIZE[o.kind];
      if (o.kind !== 'block') return false;
      return Math.abs(o.position.x - t.x) < s.x / 2 && Math.abs(o.position.y - t.y) < s.y / 2 + 0.01 && Math.abs(o.position.z - t.z) < s.z / 2;
    });
  }

  private release(): void {
    const held = this.held!;
    this.held = null;
    const o = this.objects[held.index]!;
    const h = SIZE[o.kind].z / 2;
    // It drops onto the table or into / onto whatever is under it.
    let rest = h;
    for (const other of this.objects) {
      if (other === o) continue;
      const s = SIZE[other.kind];
      if (Math.abs(other.position.x - o.position.x) > s.x / 2 || Math.abs(other.position.y - o.position.y) > s.y / 2) continue;
      const top = other.kind === 'bowl' ? other.position.z - s.z / 2 + 0.006 : other.position.z + s.z / 2;
      rest = Math.max(rest, top + h);
    }
    o.position = { ...o.position, z: Math.min(o.position.z, rest) };
  }

  // --- time and topics ---------------------------------------------------------------------------------

  private step(): void {
    const wall = performance.now();
    const dt = ((wall - this.lastStep) / 1000) * (this.opts.timeScale ?? 1);
    this.lastStep = wall;
    this.simS += dt;
    this.stepMotion();
    this.stepGripper(dt);
    if (this.held) {
      const tool = this.toolPoint();
      const { offset, index } = this.held;
      this.objects[index]!.position = { x: tool.x + offset.x, y: tool.y + offset.y, z: tool.z + offset.z };
    }
  }

  private header(frame: string): object {
    const t = EPOCH_S + this.simS;
    const sec = Math.floor(t);
    const nanos = Math.floor((t - sec) * 1e9);
    return this.bridge.flavor === 'ros1' ? { seq: this.seq++, stamp: { secs: sec, nsecs: nanos }, frame_id: frame } : { stamp: { sec, nanosec: nanos }, frame_id: frame };
  }

  private publishJointStates(): void {
    if (!this.jointStatesOn || !this.bridge.hasSubscriber('/joint_states')) return;
    // Alphabetical, with the gripper's joint among them, as joint_state_publisher sends them.
    const all = [...this.names.map((n, i) => [n, this.q[i]!] as const), [FINGER_JOINT, this.opening] as const].sort(([a], [b]) => a.localeCompare(b));
    this.bridge.publish('/joint_states', { header: this.header(''), name: all.map(([n]) => n), position: all.map(([, v]) => v), velocity: [], effort: [] });
  }

  private publishDetections(): void {
    if (!this.detectionsOn || !this.bridge.hasSubscriber('/detections')) return;
    const ros2 = this.bridge.flavor === 'ros2';
    const frame = this.frame?.name ?? this.opts.model.baseFrame;
    const detections = this.objects.map((o) => {
      const e = this.detectionError;
      const p = new Vector3(o.position.x + e.x, o.position.y + e.y, o.position.z + e.z);
      if (this.frame) p.applyMatrix4(this.frame.toFrame);
      const s = SIZE[o.kind];
      const pose = { pose: { position: { x: p.x, y: p.y, z: p.z }, orientation: { x: 0, y: 0, z: 0, w: 1 } } };
      const result = ros2 ? { hypothesis: { class_id: o.classId, score: 0.9 }, pose } : { id: Number(o.classId), score: 0.9, pose };
      const orientation = this.frame ? new Quaternion().setFromRotationMatrix(new Matrix4().extractRotation(this.frame.toFrame)) : new Quaternion();
      return {
        header: this.header(frame),
        results: [result],
        bbox: { center: { position: { x: p.x, y: p.y, z: p.z }, orientation: { x: orientation.x, y: orientation.y, z: orientation.z, w: orientation.w } }, size: s },
      };
    });
    this.bridge.publish('/detections', { header: this.header(frame), detections });
  }
}

function seconds(t: any): number {
  return (t.secs ?? t.sec ?? 0) + (t.nsecs ?? t.nanosec ?? 0) / 1e9;
}

/** The simulator's own arm (the repo URDF) as a test robot: its URDF, model and joints with the gripper at home. */
export function simulatorArm(): { urdf: string; model: ArmModel; joints: number[] } {
  const urdf = readFileSync(SIM_ARM_URDF, 'utf8');
  const model = loadArmModel(urdf, { baseFrame: 'base_link', toolFrame: 'tool0', toolOffset: { x: 0, y: 0, z: 0.16 } });
  const joints = model.ik({ x: 0.4, y: 0, z: 0.3 }, SIM_ARM_REST);
  if (!joints) throw new Error('the simulator arm cannot reach home');
  return { urdf, model, joints };
}

/** A test bridge with an arm behind it. */
export async function startArmBridge(opts: TestArmOptions): Promise<{ bridge: RosbridgeTestServer; arm: TestArm }> {
  const bridge = await RosbridgeTestServer.start({ flavor: opts.flavor ?? 'ros1', base: false, ...opts.bridge });
  const arm = new TestArm(bridge, opts);
  return { bridge, arm };
}
