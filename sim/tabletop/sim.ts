import type { RigidBody, Vector, World } from '@dimforge/rapier3d-compat';
import { WandError, throwIfAborted } from '../../src/core/errors.ts';
import type { StateSnapshot, TabletopBackend, WorldInfo } from '../../primitives/backend.ts';
import type { ObjectInfo, Vec3 } from '../../primitives/schemas.ts';
import { TABLETOP_WORLD } from '../../primitives/tabletop/world.ts';
import type { ArmModel, LinePlan } from '../../src/kinematics/arm-model.ts';
import { Grasp } from './grasp.ts';
import { Gripper } from './gripper.ts';
import { FINGER_SPEED, MAX_OPENING } from './gripper-shape.ts';
import { createObjectBody } from './object-bodies.ts';
import { objectSize } from './object-shapes.ts';
import { createPhysicsWorld, STEP_HZ, STEP_S } from './physics-world.ts';
import { loadRapier, type Rapier } from './rapier.ts';
import { parseScene, type SceneObject, type SceneSpec } from './scene.ts';
import type { ScenePoses } from './scene-graph.ts';
import { LinearTrajectory } from './trajectory.ts';

// The headless tabletop: rapier physics stepped in simulated time as fast as the CPU allows. Motions are
// async only so that timers and the e-stop can run between steps; the physics never looks at the wall clock,
// so the same scene and the same calls give bit-identical results.

export interface TabletopSimOptions {
  /** Tool speed along a straight move, m/s. */
  speed?: number;
  /** Tool acceleration at the start and end of a move, m/s². */
  acceleration?: number;
  /** Simulated seconds the scene may take to come to rest after creation. */
  settleSeconds?: number;
  /** The arm's kinematic model (default: the repo's URDF); a robot's own makes the simulator its twin. */
  arm?: ArmModel;
  /** Joint angles to start from, by name (default: the arm's rest pose with the gripper at home). */
  joints?: Record<string, number>;
}

export type { ScenePoses };

export const HOME: Vec3 = { x: 0.4, y: 0, z: 0.3 };
const DEFAULT_SPEED = 0.6;
const DEFAULT_ACCELERATION = 2;
/** The fingertips stop this far above the table, whatever is commanded. */
export const MIN_TOOL_Z = 0.005;
/** Start joints a robot reports may overshoot a limit by this much (rad or m); they are taken as at the limit. */
const LIMIT_SLACK = 0.01;

/** Settling after each call: at least `min` so contacts resolve, then until nothing moves, at most `max`. */
const SETTLE = {
  move: { min: 0.02, max: 0.25 },
  close: { min: 0.02, max: 0.1 },
  open: { min: 0.05, max: 1.0 },
} as const;
const CALM_SPEED = 0.005;
const CALM_SPIN = 0.05;

/** Wall-clock budget between yields to the event loop, so timers and the e-stop get to run. */
const YIELD_EVERY_MS = 20;

const yieldToEventLoop = () =>
  new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

const round4 = (v: number) => Math.round(v * 1e4) / 1e4 + 0; // + 0 turns -0 into 0
const roundVec = (v: Vec3): Vec3 => ({ x: round4(v.x), y: round4(v.y), z: round4(v.z) });

/** The joints at the start: given by name (a robot's twin), or solved for home near `rest` (a comfortable pose). */
function startJoints(arm: ArmModel, given: Record<string, number> | undefined, rest: readonly number[] | undefined): number[] {
  if (given) {
    return arm.fromNames(given).map((q, i) => {
      const { name, lower, upper } = arm.joints[i];
      if (q < lower - LIMIT_SLACK || q > upper + LIMIT_SLACK) {
        throw new WandError('usage', `start joint "${name}" is ${q}, outside its limits ${lower}..${upper}`);
      }
      return Math.min(upper, Math.max(lower, q));
    });
  }
  const home = arm.ik(HOME, rest ?? arm.joints.map((j) => Math.min(j.upper, Math.max(j.lower, 0))));
  if (!home) throw new WandError('usage', `the arm cannot reach home ${JSON.stringify(HOME)} with the gripper pointing down; give its start joints`);
  return home;
}

/** A move under way: its joint waypoints, and how far along the line each lies (0..1). */
interface ArmMotion {
  plan: LinePlan;
  along: number[];
}

export class TabletopSim implements TabletopBackend {
  readonly profile = 'tabletop' as const;
  private readonly physics: World;
  private readonly gripper: Gripper;
  private readonly bodies: RigidBody[];
  private readonly specs: SceneObject[];
  private grasp: Grasp | null = null;
  private gripperState: 'open' | 'closed' = 'open';
  readonly arm: ArmModel;
  /** Joint angles when no move is under way (during one they follow the gripper along the plan). */
  private joints: number[];
  private motion: ArmMotion | null = null;
  private steps = 0;
  private clockOrigin = 0;
  /** Bumped by halt(): every operation started before it stops at its next step. */
  private epoch = 0;
  private disposed = false;
  /** Set by the session server so a person can watch motions at wall-clock speed; awaited instead of yielding. */
  pace: ((simTimeS: number) => Promise<void>) | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private lastYield = performance.now();
  private readonly speed: number;
  private readonly acceleration: number;
  private readonly scratch: Vector = { x: 0, y: 0, z: 0 };

  constructor(
    private readonly R: Rapier,
    scene: SceneSpec,
    arm: { model: ArmModel; rest?: readonly number[] },
    opts: TabletopSimOptions = {},
  ) {
    this.speed = opts.speed ?? DEFAULT_SPEED;
    this.acceleration = opts.acceleration ?? DEFAULT_ACCELERATION;
    this.specs = parseScene(scene).objects;
    this.physics = createPhysicsWorld(R);
    this.bodies = this.specs.map((obj) => createObjectBody(this.physics, R, obj));
    this.arm = arm.model;
    this.joints = startJoints(this.arm, opts.joints, arm.rest);
    const start = opts.joints ? this.arm.toolPoint(this.joints) : HOME;
    this.gripper = new Gripper(this.physics, R, { ...start, z: Math.max(MIN_TOOL_Z, start.z) }, MAX_OPENING);
  }

  world(): WorldInfo {
    return TABLETOP_WORLD;
  }

  simTimeS(): number {
    return (this.steps - this.clockOrigin) / STEP_HZ;
  }

  homePosition(): Vec3 {
    return { ...HOME };
  }

  toolPosition(): Vec3 {
    return { ...this.gripper.tool };
  }

  holding(): string | null {
    return this.grasp?.name ?? null;
  }

  objects(): ObjectInfo[] {
    this.assertLive();
    return this.specs.map((spec, i) => ({
      name: spec.name,
      kind: spec.kind,
      color: spec.color,
      position: roundVec(this.bodies[i].translation()),
      size: objectSize(spec.kind),
    }));
  }

  state(): StateSnapshot {
    return {
      robot: {
        tool: roundVec(this.gripper.tool),
        gripper: this.gripperState,
        gripperWidth: round4(this.gripper.width),
        joints: this.arm.byName(this.armJoints().map(round4)),
      },
      holding: this.holding(),
      objects: this.objects(),
    };
  }

  /** Unrounded poses and orientations, for the three.js scene graph. */
  poses(): ScenePoses {
    this.assertLive();
    return {
      robot: { tool: { ...this.gripper.tool }, gripperWidth: this.gripper.width, joints: this.arm.byName(this.armJoints()) },
      objects: this.specs.map((spec, i) => ({
        name: spec.name,
        position: { ...this.bodies[i].translation() },
        quaternion: { ...this.bodies[i].rotation() },
      })),
    };
  }

  /** Joint angles now. During a move, interpolated between the plan's waypoints (≤ 1 cm apart) at the gripper. */
  private armJoints(): number[] {
    const motion = this.motion;
    if (!motion) return [...this.joints];
    const { plan, along } = motion;
    const [start, end] = [plan.points[0], plan.points[plan.points.length - 1]];
    const length = Math.hypot(end.x - start.x, end.y - start.y, end.z - start.z);
    const t = this.gripper.tool;
    const s = length < 1e-12 ? 1 : Math.hypot(t.x - start.x, t.y - start.y, t.z - start.z) / length;
    let k = 1;
    while (k < along.length - 1 && along[k] < s) k++;
    const f = along[k] === along[k - 1] ? 1 : Math.min(1, Math.max(0, (s - along[k - 1]) / (along[k] - along[k - 1])));
    return plan.joints[k].map((q, i) => plan.joints[k - 1][i] + (q - plan.joints[k - 1][i]) * f);
  }

  async moveTo(p: Vec3, signal: AbortSignal): Promise<void> {
    if (![p?.x, p?.y, p?.z].every(Number.isFinite)) {
      throw new WandError('validation', `moveTo needs finite x, y, z in metres, got ${JSON.stringify(p)}`);
    }
    // The primitives check the workspace; the fingertips stop just above the table whatever is commanded.
    const target = { x: p.x, y: p.y, z: Math.max(MIN_TOOL_Z, p.z) };
    return this.exclusive(signal, async (epoch) => {
      // Planned before anything moves: out of reach, beyond a joint limit or through a flip fails here.
      const plan = this.arm.planLine(this.armJoints(), target);
      const path = new LinearTrajectory({ ...this.gripper.tool }, target, this.speed, this.acceleration);
      const steps = Math.ceil(path.duration * STEP_HZ - 1e-9);
      let step = 0;
      this.motion = { plan, along: alongLine(plan) };
      try {
        await this.run(signal, epoch, () => {
          if (step >= steps) return false;
          step++;
          path.at(step * STEP_S, this.gripper.tool);
          return true;
        });
      } finally {
        // Stopped part way, the arm is where the gripper is; otherwise exactly at the plan's end.
        this.joints = step >= steps ? plan.joints[plan.joints.length - 1] : this.armJoints();
        this.motion = null;
      }
      await this.settleWithin(signal, epoch, SETTLE.move);
    });
  }

  async openGripper(signal: AbortSignal): Promise<void> {
    return this.exclusive(signal, async (epoch) => {
      this.releaseGrasp();
      this.gripperState = 'open';
      await this.run(signal, epoch, () => {
        if (this.gripper.width >= MAX_OPENING) return false;
        this.gripper.width = Math.min(MAX_OPENING, this.gripper.width + FINGER_SPEED * STEP_S);
        return true;
      });
      // Long enough for a released object to drop and come to rest.
      await this.settleWithin(signal, epoch, SETTLE.open);
    });
  }

  async closeGripper(signal: AbortSignal): Promise<string | null> {
    return this.exclusive(signal, async (epoch) => {
      if (this.grasp) return this.grasp.name;
      this.gripperState = 'closed';
      let contacts = this.gripper.contacts();
      await this.run(signal, epoch, () => {
        // Closing stops once both fingers press on something (contacts of the step just taken).
        contacts = this.gripper.contacts();
        if (contacts.kind !== 'free' || this.gripper.width <= 0) return false;
        this.gripper.width = Math.max(0, this.gripper.width - FINGER_SPEED * STEP_S);
        return true;
      });
      if (contacts.kind === 'grasp') {
        // Rapier hands out fresh wrapper objects; the handle identifies the body.
        const handle = contacts.body.handle;
        const index = this.bodies.findIndex((b) => b.handle === handle);
        this.grasp = new Grasp(this.physics, this.R, this.gripper.palm, this.bodies[index], this.specs[index].name, this.specs[index].kind);
      }
      await this.settleWithin(signal, epoch, SETTLE.close);
      return this.holding();
    });
  }

  async wait(seconds: number, signal: AbortSignal): Promise<void> {
    if (!Number.isFinite(seconds)) throw new WandError('validation', `wait needs a finite number of seconds, got ${seconds}`);
    return this.exclusive(signal, async (epoch) => {
      let steps = Math.round(Math.max(0, seconds) * STEP_HZ);
      await this.run(signal, epoch, () => steps-- > 0);
    });
  }

  /** Steps until nothing moves (or `maxSeconds` pass); used after building a scene so dropped objects land. */
  async settle(maxSeconds: number, signal?: AbortSignal): Promise<void> {
    return this.exclusive(signal, (epoch) => this.settleWithin(signal, epoch, { min: 0.02, max: maxSeconds }));
  }

  /** Restarts the simulated clock, so a program's time starts when the scene is ready. */
  resetClock(): void {
    this.clockOrigin = this.steps;
  }

  async halt(): Promise<void> {
    this.epoch++;
    // The gripper is kinematic: once no operation commands it, it stays exactly where it is.
    await this.queue.catch(() => {});
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    // First, so that no operation queued from now on touches the world; then wait out the running one.
    this.disposed = true;
    await this.halt();
    this.physics.free();
  }

  private assertLive(): void {
    if (this.disposed) throw new WandError('runtime', 'the simulator has been disposed');
  }

  private releaseGrasp(): void {
    this.grasp?.release();
    this.grasp = null;
  }

  /** Physics calls run one at a time, in call order, even if a program forgets to await one. */
  private exclusive<T>(signal: AbortSignal | undefined, op: (epoch: number) => Promise<T>): Promise<T> {
    const epoch = this.epoch;
    const result = this.queue.then(() => {
      this.assertLive();
      this.checkStop(signal, epoch);
      return op(epoch);
    });
    this.queue = result.catch(() => {});
    return result;
  }

  private checkStop(signal: AbortSignal | undefined, epoch: number): void {
    throwIfAborted(signal);
    if (epoch !== this.epoch) throw new WandError('aborted', 'stopped: the robot was halted');
  }

  /** Steps the world while `next()` (which sets up the coming step) returns true. */
  private async run(signal: AbortSignal | undefined, epoch: number, next: () => boolean): Promise<void> {
    while (next()) {
      this.checkStop(signal, epoch);
      this.step();
      if ((this.steps & 7) === 0 && (this.pace || performance.now() - this.lastYield > YIELD_EVERY_MS)) {
        await (this.pace ? this.pace(this.simTimeS()) : yieldToEventLoop());
        this.lastYield = performance.now();
      }
    }
  }

  private step(): void {
    this.gripper.place();
    this.physics.step();
    this.steps++;
    if (this.grasp?.slipped()) this.releaseGrasp();
  }

  private async settleWithin(signal: AbortSignal | undefined, epoch: number, { min, max }: { min: number; max: number }) {
    const minSteps = Math.round(min * STEP_HZ);
    const maxSteps = Math.max(minSteps, Math.round(max * STEP_HZ));
    let step = 0;
    await this.run(signal, epoch, () => step < minSteps || (step < maxSteps && !this.calm()) ? (step++, true) : false);
  }

  /** Nothing but the held object is moving. */
  private calm(): boolean {
    const v = this.scratch;
    for (const body of this.bodies) {
      if (body.isSleeping() || body === this.grasp?.object) continue;
      body.linvel(v);
      if (v.x * v.x + v.y * v.y + v.z * v.z > CALM_SPEED * CALM_SPEED) return false;
      body.angvel(v);
      if (v.x * v.x + v.y * v.y + v.z * v.z > CALM_SPIN * CALM_SPIN) return false;
    }
    return true;
  }
}

/** Each waypoint's fraction of the way along the plan's line. */
function alongLine(plan: LinePlan): number[] {
  const [start, end] = [plan.points[0], plan.points[plan.points.length - 1]];
  const length = Math.hypot(end.x - start.x, end.y - start.y, end.z - start.z);
  return plan.points.map((p) => (length < 1e-12 ? 1 : Math.hypot(p.x - start.x, p.y - start.y, p.z - start.z) / length));
}

/** Builds the simulator for a scene (validated with `parseScene`) and lets it come to rest. */
export async function createTabletopSim(scene: SceneSpec, opts: TabletopSimOptions = {}): Promise<TabletopSim> {
  // The repo's arm is loaded on first use (urdf-loader brings three.js), while the physics engine compiles.
  const [R, arm] = await Promise.all([
    loadRapier(),
    opts.arm ? { model: opts.arm } : import('../../src/kinematics/sim-arm.ts').then((m) => ({ model: m.simArmModel(), rest: m.SIM_ARM_REST })),
  ]);
  const sim = new TabletopSim(R, scene, arm, opts);
  await sim.settle(opts.settleSeconds ?? 2);
  sim.resetClock();
  return sim;
}
