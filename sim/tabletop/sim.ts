import type { RigidBody, Vector, World } from '@dimforge/rapier3d-compat';
import { WandError, throwIfAborted } from '../../src/core/errors.ts';
import type { StateSnapshot, TabletopBackend, WorldInfo } from '../../primitives/backend.ts';
import type { ObjectInfo, Vec3 } from '../../primitives/schemas.ts';
import { TABLETOP_WORLD } from '../../primitives/tabletop/world.ts';
import { armJointsFor, REST_JOINTS } from './arm-kinematics.ts';
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
}

export type { ScenePoses };

export const HOME: Vec3 = { x: 0.4, y: 0, z: 0.3 };
const DEFAULT_SPEED = 0.6;
const DEFAULT_ACCELERATION = 2;
/** The fingertips stop this far above the table, whatever is commanded. */
export const MIN_TOOL_Z = 0.005;
/** Far enough past the table edge to push things off it; beyond this the arm cannot go. */
const REACH = { x: [0.05, 1.1], y: [-0.6, 0.6], z: [MIN_TOOL_Z, 0.8] } as const;

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
const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));

export class TabletopSim implements TabletopBackend {
  readonly profile = 'tabletop' as const;
  private readonly physics: World;
  private readonly gripper: Gripper;
  private readonly bodies: RigidBody[];
  private readonly specs: SceneObject[];
  private grasp: Grasp | null = null;
  private gripperState: 'open' | 'closed' = 'open';
  private joints: number[];
  private jointsTool: Vec3;
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
    opts: TabletopSimOptions = {},
  ) {
    this.speed = opts.speed ?? DEFAULT_SPEED;
    this.acceleration = opts.acceleration ?? DEFAULT_ACCELERATION;
    this.specs = parseScene(scene).objects;
    this.physics = createPhysicsWorld(R);
    this.bodies = this.specs.map((obj) => createObjectBody(this.physics, R, obj));
    this.gripper = new Gripper(this.physics, R, HOME, MAX_OPENING);
    this.jointsTool = { ...HOME };
    this.joints = armJointsFor(HOME, REST_JOINTS);
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
        joints: this.armJoints().map(round4),
      },
      holding: this.holding(),
      objects: this.objects(),
    };
  }

  /** Unrounded poses and orientations, for the three.js scene graph. */
  poses(): ScenePoses {
    this.assertLive();
    return {
      robot: { tool: { ...this.gripper.tool }, gripperWidth: this.gripper.width, joints: this.armJoints() },
      objects: this.specs.map((spec, i) => ({
        name: spec.name,
        position: { ...this.bodies[i].translation() },
        quaternion: { ...this.bodies[i].rotation() },
      })),
    };
  }

  private armJoints(): number[] {
    const tool = this.gripper.tool;
    const t = this.jointsTool;
    if (tool.x !== t.x || tool.y !== t.y || tool.z !== t.z) {
      // Nearest solution to the last one shown, so the rendered arm never flips between configurations.
      this.joints = armJointsFor(tool, this.joints);
      this.jointsTool = { ...tool };
    }
    return [...this.joints];
  }

  async moveTo(p: Vec3, signal: AbortSignal): Promise<void> {
    if (![p?.x, p?.y, p?.z].every(Number.isFinite)) {
      throw new WandError('validation', `moveTo needs finite x, y, z in metres, got ${JSON.stringify(p)}`);
    }
    // The primitives check the workspace; this only keeps the simulated arm out of the table and in reach.
    const target = { x: clamp(p.x, REACH.x), y: clamp(p.y, REACH.y), z: clamp(p.z, REACH.z) };
    return this.exclusive(signal, async (epoch) => {
      const path = new LinearTrajectory({ ...this.gripper.tool }, target, this.speed, this.acceleration);
      const steps = Math.ceil(path.duration * STEP_HZ - 1e-9);
      let step = 0;
      await this.run(signal, epoch, () => {
        if (step >= steps) return false;
        step++;
        path.at(step * STEP_S, this.gripper.tool);
        return true;
      });
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

/** Builds the simulator for a scene (validated with `parseScene`) and lets it come to rest. */
export async function createTabletopSim(scene: SceneSpec, opts: TabletopSimOptions = {}): Promise<TabletopSim> {
  const R = await loadRapier();
  const sim = new TabletopSim(R, scene, opts);
  await sim.settle(opts.settleSeconds ?? 2);
  sim.resetClock();
  return sim;
}
