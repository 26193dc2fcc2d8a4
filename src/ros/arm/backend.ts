import type { StateSnapshot, TabletopBackend, WorldInfo } from '../../../primitives/backend.ts';
import type { ObjectInfo, Vec3 } from '../../../primitives/schemas.ts';
import { pointText } from '../../../primitives/tabletop/lookup.ts';
import { loadSceneFile } from '../../../sim/tabletop/scene.ts';
import { WandError } from '../../core/errors.ts';
import { loadArmModel, type ArmModel } from '../../kinematics/arm-model.ts';
import type { ArmEnvelope } from '../../safety/arm-envelope.ts';
import { abortError } from '../../safety/controller.ts';
import type { ProgramGuard, Rehearsable, RehearsalTwin } from '../../safety/guard.ts';
import { Watchdog } from '../../safety/watchdog.ts';
import { createActionClient, type ActionClient } from '../action.ts';
import type { ActionlibClient } from '../actionlib.ts';
import { Arming } from '../arming.ts';
import { RosLink, type LinkOptions, type LinkRole } from '../link.ts';
import { Rosapi, type RosVersion } from '../rosapi.ts';
import { sleep, startRobot, until } from '../wait.ts';
import type { ArmConfig } from './config.ts';
import { readRobotDescription } from './description.ts';
import { GripperClient, type GripperGoalMsg } from './gripper.ts';
import { JointStates } from './joint-states.ts';
import { armLimits } from './limits.ts';
import type { TrajectoryResult } from './messages.ts';
import { DetectedObjects, FixtureObjects, type ObjectSource } from './objects.ts';
import { TableFrame } from './table-frame.ts';
import { timePath, type PathLimits } from './timing.ts';
import { TrajectoryRunner, type TrajectoryGoalMsg } from './trajectory-runner.ts';

export interface RosArmOptions {
  url: string;
  config: ArmConfig;
  connectTimeoutMs?: number;
  /** How long to wait for the arm's first joint states after connecting. */
  firstStateTimeoutMs?: number;
  serviceTimeoutMs?: number;
  link?: LinkOptions;
  /** Ends connecting (Ctrl-C while starting up): the links close and open() rejects with the abort's error. */
  signal?: AbortSignal;
}

/** A hold must leave the process within this time of halt(). */
const FLUSH_MS = 100;
/** The arm counts as arrived when its measured tool point is this close to the target. */
const ARRIVAL_TOLERANCE = 0.02;
/** A held object seen this far from where it should be (tool + grasp offset) has slipped. */
const FOLLOW_TOLERANCE = 0.05;
/** The trajectory action server must have been heard from (ROS 1 status) this recently for a program to start. */
const SERVER_SEEN_MS = 3000;
/** How long a program start waits for that. */
const SERVER_WAIT_MS = 2000;
const GRIPPER_TIMEOUT_MS = 10_000;


const round4 = (v: number) => Math.round(v * 1e4) / 1e4 + 0;
const roundVec = (v: Vec3): Vec3 => ({ x: round4(v.x), y: round4(v.y), z: round4(v.z) });

/**
 * A robot arm over rosbridge, behind the tabletop API. Its kinematics come from its own URDF; every Cartesian
 * move is planned from the measured joints, stamped within the speed limits, checked by the arm envelope and
 * sent as a chain of short FollowJointTrajectory goals. Commands (goals, cancels) and telemetry (joint states,
 * detections) use two websockets. A lost link or silent joint states stop the arm (cancel and hold), disarm
 * it and abort the running program.
 */
export class RosArmBackend implements TabletopBackend, ProgramGuard, Rehearsable {
  readonly profile = 'tabletop' as const;
  readonly commands: RosLink;
  readonly telemetryLink: RosLink;
  readonly arming = new Arming();
  readonly frame: TableFrame;
  model!: ArmModel;
  version!: RosVersion;
  jointStates!: JointStates;
  envelope!: ArmEnvelope;
  runner!: TrajectoryRunner;
  gripper!: GripperClient;
  private source!: ObjectSource;
  private trajectoryClient!: ActionClient<TrajectoryGoalMsg, unknown, TrajectoryResult>;
  private gripperClient!: ActionClient<GripperGoalMsg, unknown, unknown>;
  private controllerJoints: string[] = [];
  private limits!: PathLimits;
  private readonly watchdog: Watchdog;
  private held: { name: string; offset: Vec3 } | null = null;
  private fault: WandError | null = null;
  private faults = new AbortController();
  private program: AbortController | null = null;
  private readonly t0 = performance.now();
  private disposed = false;
  /** Milliseconds the IK (line planning) took for each Cartesian move, for the bench. */
  readonly ikMs: number[] = [];

  private constructor(private readonly opts: RosArmOptions) {
    const { url, config } = opts;
    this.commands = new RosLink(url, 'commands', opts.link);
    this.telemetryLink = new RosLink(url, 'telemetry', opts.link);
    this.frame = new TableFrame(config);
    this.watchdog = new Watchdog(config.jointStatesTimeoutMs, (age) =>
      this.trip(
        new WandError(
          'safety',
          `joint states on ${config.jointStates} are stale (nothing for ${Math.round(age)} ms, limit ${config.jointStatesTimeoutMs} ms); the arm was stopped and the program aborted`,
        ),
      ),
    );
  }

  static open(opts: RosArmOptions): Promise<RosArmBackend> {
    const b = new RosArmBackend(opts);
    return startRobot(b, () => b.start(), opts.signal);
  }

  private get config(): ArmConfig {
    return this.opts.config;
  }

  private async start(): Promise<void> {
    const config = this.config;
    const timeout = this.opts.connectTimeoutMs ?? 5000;
    await Promise.all([this.commands.open(timeout), this.telemetryLink.open(timeout)]);
    const rosapi = new Rosapi(this.commands, this.opts.serviceTimeoutMs ?? 2000);
    this.version = config.rosVersion === 'auto' ? (await rosapi.version()).version : config.rosVersion;
    const urdf = await readRobotDescription(config, rosapi, this.version, this.telemetryLink);
    this.model = loadArmModel(urdf, { baseFrame: config.baseFrame, toolFrame: config.toolFrame, toolOffset: config.toolOffset });
    const armJoints = this.model.joints.map((j) => j.name);
    this.controllerJoints = config.trajectory.joints ?? armJoints;
    const uncontrolled = armJoints.filter((j) => !this.controllerJoints.includes(j));
    if (uncontrolled.length) {
      throw new WandError('usage', `config trajectory.joints leaves out ${uncontrolled.join(', ')}, which move the tool (the chain from ${config.baseFrame} to ${config.toolFrame})`);
    }
    ({ limits: this.limits, envelope: this.envelope } = armLimits(config, this.model));

    // Telemetry: joint states (every joint the controller takes, by name) and the objects.
    this.jointStates = new JointStates(this.telemetryLink, config.jointStates, [...new Set([...armJoints, ...this.controllerJoints])], () => this.watchdog.feed());
    this.jointStates.start();
    const objects = config.objects;
    this.source =
      'scene' in objects
        ? new FixtureObjects(await loadSceneFile(objects.scene), () => this.toolPosition())
        : new DetectedObjects(this.telemetryLink, objects, config.baseFrame, config.table.z);
    this.source.start();

    // Commands: the trajectory controller and the gripper, advertised now, long before the first goal.
    const version = this.version;
    this.trajectoryClient = await createActionClient(this.commands, { name: config.trajectory.action, type: 'control_msgs/FollowJointTrajectory', version });
    this.gripperClient = await createActionClient(this.commands, { name: config.gripper.action, type: 'control_msgs/GripperCommand', version });
    this.runner = new TrajectoryRunner({
      client: this.trajectoryClient,
      version,
      jointNames: this.controllerJoints,
      toController: (q) => this.toController(q),
      clock: this.jointStates.clock,
    });
    this.gripper = new GripperClient(this.gripperClient, { ...config.gripper, timeoutMs: GRIPPER_TIMEOUT_MS });

    await this.firstJointStates(this.opts.firstStateTimeoutMs ?? 3000);
    // Trajectories are timed on the arm's clock: learn its rate before the first one (a fraction of a second).
    await until(() => this.jointStates.clock.calibrated, 1000, () => this.disposed);
    // Give the detector a moment, so the first look at the table does not find it "stale" (it is not an error yet).
    const detections = this.source;
    if (detections instanceof DetectedObjects) await until(() => detections.receivedAt > 0, Math.min(2000, detections.staleMs), () => this.disposed);
    for (const link of [this.commands, this.telemetryLink]) link.on('down', (reason) => this.onLinkDown(link.role, reason));
    this.watchdog.feed();
    this.watchdog.start();
    this.arming.arm();
  }

  private async firstJointStates(timeoutMs: number): Promise<void> {
    if (!(await until(() => this.jointStates.known, timeoutMs, () => this.disposed))) {
      throw new WandError('connection', `${this.jointStates.missingText()} (waited ${timeoutMs} ms)`);
    }
  }

  /** A joint vector in the model's order → the controller's joint order (its other joints held where they are). */
  private toController(q: readonly number[]): number[] {
    const names = this.model.joints.map((j) => j.name);
    return this.controllerJoints.map((name) => {
      const i = names.indexOf(name);
      return i >= 0 ? q[i]! : this.jointStates.position(name)!;
    });
  }

  /** The kinematic model (the page draws the arm from its URDF, as for the simulator). */
  get arm(): ArmModel {
    return this.model;
  }

  /** The measured joints, in the model's order. */
  joints(): number[] {
    return this.jointStates.positions().slice(0, this.model.joints.length);
  }

  // --- faults and arming ----------------------------------------------------------------------------

  private onLinkDown(role: LinkRole, reason: string): void {
    if (this.disposed) return;
    this.trip(
      new WandError(
        'connection',
        `lost the ${role} connection to rosbridge at ${this.opts.url} (${reason}); the program was aborted and the arm disarmed until a new program starts` +
          (role === 'commands' ? ' (the goal it was given, at most one short segment, runs to its end)' : ''),
      ),
    );
  }

  /** Stop, disarm, abort: the first fault wins. */
  private trip(err: WandError): void {
    if (!this.fault) this.fault = err;
    this.arming.disarm(err.message);
    this.holdHere();
    this.faults.abort(err);
    this.program?.abort(this.fault);
  }

  /**
   * Cancels the running goal and holds the arm where it is measured to be. Only while a goal of ours is out:
   * an arm at rest needs no hold, and one moved by someone else must not be sent back to old joints.
   * `afterFailure`: a motion just failed, the arm's state is uncertain, hold it anyway (its joints are fresh).
   */
  private holdHere(afterFailure = false): void {
    if (!this.commands.isUp || !this.jointStates?.known || !(this.runner?.busy || afterFailure)) return;
    this.runner.hold(this.joints());
  }

  async beginProgram(): Promise<AbortSignal> {
    this.requireLinks();
    await this.requireController();
    // Again: a link lost (or joint states gone stale) while waiting must not be cleared by arming.
    this.requireLinks();
    this.fault = null;
    this.faults = new AbortController();
    this.watchdog.feed();
    this.arming.arm();
    this.program = new AbortController();
    return this.program.signal;
  }

  endProgram(): void {
    this.program = null;
  }

  /** ROS 1: the trajectory controller's status must be coming through (a goal would go nowhere otherwise). */
  private async requireController(): Promise<void> {
    const actionlib = this.trajectoryClient as Partial<ActionlibClient<unknown, unknown, unknown>>;
    if (!actionlib.serverSeen || (await until(() => actionlib.serverSeen!(SERVER_SEEN_MS), SERVER_WAIT_MS))) return;
    throw new WandError('connection', `nothing is heard from the trajectory controller (no ${this.config.trajectory.action}/status); is it running? The arm stays disarmed`);
  }

  /** Both links up and joint states fresh, or a WandError. */
  private requireLinks(): void {
    if (!this.commands.isUp || !this.telemetryLink.isUp) {
      throw new WandError('connection', `not connected to rosbridge at ${this.opts.url} (reconnecting); the arm stays disarmed`);
    }
    const age = this.jointStates.ageMs();
    if (age > this.watchdog.timeoutMs) {
      throw new WandError('connection', `no fresh joint states on ${this.config.jointStates} (last ${Math.round(age)} ms ago); the arm stays disarmed`);
    }
  }

  /** What stops motion from outside (a fault, disarmed), if anything. */
  private requireArmed(): void {
    if (this.fault) throw this.fault;
    if (!this.arming.armed) throw this.arming.error();
  }

  // --- TabletopBackend --------------------------------------------------------------------------------

  world(): WorldInfo {
    return this.frame.world();
  }

  homePosition(): Vec3 {
    return this.frame.home();
  }

  toolPosition(): Vec3 {
    return this.frame.toTable(this.model.toolPoint(this.joints()));
  }

  objects(): ObjectInfo[] {
    return this.source.objects();
  }

  holding(): string | null {
    return this.held?.name ?? null;
  }

  async moveTo(p: Vec3, signal: AbortSignal): Promise<void> {
    if (![p?.x, p?.y, p?.z].every(Number.isFinite)) {
      throw new WandError('validation', `moveTo needs finite x, y, z in metres, got ${JSON.stringify(p)}`);
    }
    this.requireArmed();
    const target = this.frame.toBase(p);
    const from = this.joints();
    const t = performance.now();
    const plan = this.model.planLine(from, target);
    this.ikMs.push(performance.now() - t);
    const path = timePath(plan, this.limits);
    this.envelope.check(path, `moving to ${pointText(p)}`);
    const stop = AbortSignal.any([signal, this.faults.signal]);
    try {
      await this.runner.run(path, stop);
    } catch (err) {
      if (this.fault) throw this.fault;
      if (stop.aborted) throw abortError(stop);
      this.holdHere(true);
      throw err;
    }
    await this.settled(target, stop);
    if (this.held) await this.checkHeld(stop);
  }

  /** After the last goal succeeded: the measured tool point must be at the target. */
  private async settled(target: Vec3, signal: AbortSignal): Promise<void> {
    const end = performance.now() + 500;
    const off = () => {
      const p = this.model.toolPoint(this.joints());
      return Math.hypot(p.x - target.x, p.y - target.y, p.z - target.z);
    };
    while (off() > ARRIVAL_TOLERANCE && performance.now() < end && !signal.aborted) await sleep(10, signal);
    if (this.fault) throw this.fault;
    if (signal.aborted) throw abortError(signal);
    const miss = off();
    if (miss > ARRIVAL_TOLERANCE) {
      const at = this.toolPosition();
      throw new WandError('physical', `the arm stopped at ${pointText(at)}, ${(miss * 100).toFixed(1)} cm short of ${pointText(this.frame.toTable(target))}`);
    }
  }

  /** With perception: after a move, the held object must be seen where the gripper is (or not seen at all). */
  private async checkHeld(signal: AbortSignal): Promise<void> {
    const source = this.source;
    if (!(source instanceof DetectedObjects) || !this.held) return;
    const since = performance.now();
    const staleMs = 'staleMs' in this.config.objects ? this.config.objects.staleMs : 1000;
    while (source.receivedAt < since && performance.now() - since < staleMs && !signal.aborted) await sleep(10, signal);
    if (source.receivedAt < since) return; // no newer detection: nothing contradicts the gripper
    const seen = source.snapshot().find((o) => o.name === this.held!.name);
    if (!seen) return; // hidden by the gripper, most likely
    const tool = this.toolPosition();
    const want = { x: tool.x + this.held.offset.x, y: tool.y + this.held.offset.y, z: tool.z + this.held.offset.z };
    if (Math.hypot(seen.position.x - want.x, seen.position.y - want.y, seen.position.z - want.z) > FOLLOW_TOLERANCE) this.held = null;
  }

  async openGripper(signal: AbortSignal): Promise<void> {
    this.requireArmed();
    await this.gripper.open(AbortSignal.any([signal, this.faults.signal]));
    if (this.held) this.source.released(this.toolPosition());
    this.held = null;
  }

  async closeGripper(signal: AbortSignal): Promise<string | null> {
    this.requireArmed();
    if (this.held) return this.held.name;
    // Which object is between the fingers is decided before they move it.
    const tool = this.toolPosition();
    const candidate = objectAt(this.source.objects(), tool);
    const closedOnSomething = await this.gripper.close(AbortSignal.any([signal, this.faults.signal]));
    if (!closedOnSomething || !candidate) return null;
    this.held = { name: candidate.name, offset: { x: candidate.position.x - tool.x, y: candidate.position.y - tool.y, z: candidate.position.z - tool.z } };
    this.source.grasped(candidate.name, tool);
    return candidate.name;
  }

  state(): StateSnapshot {
    const known = this.jointStates?.known;
    const robot = known
      ? {
          tool: roundVec(this.toolPosition()),
          gripper: this.gripper.state,
          ...(this.gripper.position !== null ? { gripperWidth: round4(this.gripper.position) } : {}),
          joints: this.model.byName(this.joints().map(round4)),
        }
      : {};
    return { robot, holding: this.holding(), objects: this.source?.snapshot() ?? [] };
  }

  simTimeS(): number {
    return (performance.now() - this.t0) / 1000;
  }

  async wait(seconds: number, signal: AbortSignal): Promise<void> {
    await sleep(seconds * 1000, AbortSignal.any([signal, this.faults.signal]));
    if (this.fault) throw this.fault;
    if (signal.aborted) throw abortError(signal);
  }

  async halt(): Promise<void> {
    this.holdHere();
    await this.commands.flush(FLUSH_MS);
  }

  async createRehearsal(): Promise<RehearsalTwin> {
    const { createArmTwin } = await import('./twin.ts');
    return createArmTwin({
      model: this.model,
      joints: this.joints(),
      objects: this.source.objects(),
      frame: this.frame,
      envelope: this.envelope.copy(),
      limits: this.limits,
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.watchdog.stop();
    this.program?.abort(new WandError('aborted', 'the robot connection was closed'));
    if (this.commands.isUp) {
      this.holdHere();
      this.trajectoryClient?.dispose();
      this.gripperClient?.dispose();
      await this.commands.flush(FLUSH_MS);
    }
    if (this.telemetryLink.isUp) {
      this.jointStates?.stop();
      this.source?.stop();
    }
    await this.telemetryLink.flush(FLUSH_MS);
    this.commands.close();
    this.telemetryLink.close();
  }
}

/** The object between the fingers at `tool` (table coordinates), if any: the nearest whose box is around it. */
export function objectAt(objects: readonly ObjectInfo[], tool: Vec3): ObjectInfo | null {
  let best: ObjectInfo | null = null;
  let bestD = Infinity;
  for (const o of objects) {
    const dx = Math.abs(o.position.x - tool.x);
    const dy = Math.abs(o.position.y - tool.y);
    const bottom = o.position.z - o.size.z / 2;
    const top = o.position.z + o.size.z / 2;
    if (dx > o.size.x / 2 + 0.02 || dy > o.size.y / 2 + 0.02 || tool.z < bottom - 0.01 || tool.z > top + 0.01) continue;
    const d = Math.hypot(dx, dy);
    if (d < bestD) [best, bestD] = [o, d];
  }
  return best;
}
