import type { MobileBackend, StateSnapshot, WorldInfo } from '../../primitives/backend.ts';
import { degToRad, toPose2D } from '../../primitives/mobile/pose.ts';
import { scanSectors } from '../../primitives/mobile/sectors.ts';
import type { Pose2D, ScanSectors } from '../../primitives/schemas.ts';
import { MobileSim } from '../../sim/mobile/sim.ts';
import { ROBOT_RADIUS, openFloor, type Post } from '../../sim/mobile/room.ts';
import { WandError } from '../core/errors.ts';
import { SAFETY_DEFAULTS } from '../safety/config.ts';
import { MotionController, abortError, type BaseIO } from '../safety/controller.ts';
import { Envelope, type HasEnvelope } from '../safety/envelope.ts';
import type { ProgramGuard, Rehearsable, RehearsalTwin } from '../safety/guard.ts';
import { Watchdog } from '../safety/watchdog.ts';
import { Arming } from './arming.ts';
import type { RobotConfig } from './config.ts';
import { RosLink, type LinkOptions, type LinkRole } from './link.ts';
import { SubscribersRequest } from './messages.ts';
import { CommandPublisher } from './publisher.ts';
import { ServiceCallError, callService } from './service.ts';
import { Telemetry } from './telemetry.ts';
import { sleep, startRobot, until } from './wait.ts';

export interface RosRobotOptions {
  url: string;
  config: RobotConfig;
  connectTimeoutMs?: number;
  /** How long to wait for the first odometry message after connecting. */
  firstOdomTimeoutMs?: number;
  serviceTimeoutMs?: number;
  link?: LinkOptions;
  /** Ends connecting (Ctrl-C while starting up): the links close and open() rejects with the abort's error. */
  signal?: AbortSignal;
}

/** A zero command must leave the process within this time of halt(). */
const FLUSH_MS = 100;
/** A laser scan older than this is not trusted by scan(). */
const SCAN_STALE_MS = 2000;
/** At most this many laser returns become obstacles in the rehearsal world. */
const REHEARSAL_POSTS = 360;

/**
 * A mobile base over rosbridge. Commands (cmd_vel, services) and telemetry (odometry, scan) use two
 * websockets, so the telemetry stream never delays a command. Motions run the shared MotionController
 * inside the shared Envelope; faults (lost link, stale odometry) stop the robot, disarm it, and abort
 * the running program through the signal handed out by beginProgram().
 */
export class RosMobileBackend implements MobileBackend, HasEnvelope, ProgramGuard, Rehearsable {
  readonly profile = 'mobile' as const;
  readonly commands: RosLink;
  readonly telemetryLink: RosLink;
  readonly publisher: CommandPublisher;
  readonly telemetry: Telemetry;
  readonly arming = new Arming();
  private envelopeValue: Envelope | null = null;
  private controllerValue: MotionController | null = null;
  private readonly watchdog: Watchdog;
  private fault: WandError | null = null;
  /** Aborted on a fault: wakes every motion tick and wait at once. */
  private faults = new AbortController();
  private program: AbortController | null = null;
  private readonly t0 = performance.now();
  private nextTickAt = 0;
  private disposed = false;

  private constructor(private readonly opts: RosRobotOptions) {
    const { url, config } = opts;
    this.commands = new RosLink(url, 'commands', opts.link);
    this.telemetryLink = new RosLink(url, 'telemetry', opts.link);
    const cmd = config.topics.cmdVel;
    this.publisher = new CommandPublisher(this.commands, cmd.name, cmd.type, cmd.frameId);
    this.watchdog = new Watchdog(config.odomTimeoutMs ?? SAFETY_DEFAULTS.odomTimeoutMs, (age) =>
      this.trip(
        new WandError(
          'safety',
          `odometry on ${config.topics.odom.name} is stale (nothing for ${Math.round(age)} ms, limit ${this.watchdog.timeoutMs} ms); the robot was stopped and the program aborted`,
        ),
      ),
    );
    this.telemetry = new Telemetry(this.telemetryLink, config.topics, () => this.watchdog.feed());
  }

  static open(opts: RosRobotOptions): Promise<RosMobileBackend> {
    const b = new RosMobileBackend(opts);
    return startRobot(b, () => b.start(), opts.signal);
  }

  private async start(): Promise<void> {
    const timeout = this.opts.connectTimeoutMs ?? 5000;
    await Promise.all([this.commands.open(timeout), this.telemetryLink.open(timeout)]);
    this.telemetry.start();
    this.publisher.advertise();
    await this.firstOdometry(this.opts.firstOdomTimeoutMs ?? 3000);
    // The laser is optional: give it a moment, so scan() and the rehearsal know whether there is one.
    if (this.opts.config.topics.scan) await until(() => !!this.telemetry.laser, 1000, () => this.disposed);
    if (this.disposed) throw new WandError('aborted', 'stopped while connecting to the robot');
    // The geofence is fixed once, around where the robot was when Wand connected (unless the config places it).
    this.envelopeValue = Envelope.from(this.opts.config, this.telemetry.pose!);
    this.controllerValue = new MotionController(this.io, this.envelopeValue);
    for (const link of [this.commands, this.telemetryLink]) {
      link.on('down', (reason) => this.onLinkDown(link.role, reason));
    }
    this.watchdog.feed();
    this.watchdog.start();
    this.arming.arm();
  }

  private async firstOdometry(timeoutMs: number): Promise<void> {
    if (await until(() => !!this.telemetry.pose, timeoutMs, () => this.disposed)) return;
    const { name, type } = this.opts.config.topics.odom;
    const bad = this.telemetry.malformed ? ` (${this.telemetry.malformed} malformed messages ignored)` : '';
    throw new WandError('connection', `no odometry on ${name} (${type}) within ${timeoutMs} ms${bad}; check the topic name and type in the config`);
  }

  get envelope(): Envelope {
    if (!this.envelopeValue) throw new WandError('connection', 'the robot is not connected yet');
    return this.envelopeValue;
  }

  private get controller(): MotionController {
    if (!this.controllerValue) throw new WandError('connection', 'the robot is not connected yet');
    return this.controllerValue;
  }

  private readonly io: BaseIO = {
    pose: () => ({ ...this.telemetry.pose! }),
    send: (cmd) => {
      const moving = cmd.linear !== 0 || cmd.angular !== 0;
      if (moving && (!this.arming.armed || this.fault)) return; // never move disarmed; zeros always go out
      this.publisher.publish(cmd);
    },
    tick: (dt, signal) => {
      // Ticks keep to a fixed schedule (not "sleep a period after the work"), so the command stream stays
      // at the control rate even when the event loop is busy; a tick that is late does not push the rest.
      const now = performance.now();
      const period = dt * 1000;
      this.nextTickAt = this.nextTickAt < now - period ? now + period : this.nextTickAt + period;
      return sleep(Math.max(0, this.nextTickAt - now), AbortSignal.any([signal, this.faults.signal]));
    },
    now: () => performance.now() / 1000,
    fault: () => this.fault ?? (this.arming.armed ? null : this.arming.error()),
  };

  private onLinkDown(role: LinkRole, reason: string): void {
    if (this.disposed) return;
    this.trip(
      new WandError(
        'connection',
        `lost the ${role} connection to rosbridge at ${this.opts.url} (${reason}); the program was aborted and the robot ` +
          `disarmed until a new program starts${role === 'commands' ? ' (its own command timeout must stop it)' : ''}`,
      ),
    );
  }

  /** Stop, disarm, abort: the first fault wins, later ones (the other link, the watchdog) add nothing. */
  private trip(err: WandError): void {
    if (!this.fault) this.fault = err;
    this.arming.disarm(err.message);
    this.controllerValue?.stop();
    this.faults.abort(err);
    this.program?.abort(this.fault);
  }

  async beginProgram(): Promise<AbortSignal> {
    this.requireLinks();
    await this.requireListener();
    // Again: a link lost (or odometry gone stale) during the rosapi call must not be cleared by arming.
    this.requireLinks();
    this.fault = null;
    this.faults = new AbortController();
    this.watchdog.feed();
    this.arming.arm();
    this.program = new AbortController();
    return this.program.signal;
  }

  /** Both links up and odometry fresh, or a WandError: the robot is not armed without them. */
  private requireLinks(): void {
    if (!this.commands.isUp || !this.telemetryLink.isUp) {
      throw new WandError('connection', `not connected to rosbridge at ${this.opts.url} (reconnecting); the robot stays disarmed`);
    }
    const age = this.telemetry.odomAgeMs();
    if (age > this.watchdog.timeoutMs) {
      throw new WandError('connection', `no fresh odometry on ${this.opts.config.topics.odom.name} (last ${Math.round(age)} ms ago); the robot stays disarmed`);
    }
  }

  endProgram(): void {
    this.program = null;
  }

  /** Refuse to arm when rosapi says nothing subscribes to the command topic (commands would go nowhere). */
  private async requireListener(): Promise<void> {
    const topic = this.publisher.name;
    try {
      const res = await callService<{ subscribers?: string[] }>(
        this.commands,
        '/rosapi/subscribers',
        { topic },
        this.opts.serviceTimeoutMs ?? 1000,
        SubscribersRequest,
      );
      if (Array.isArray(res.subscribers) && res.subscribers.length === 0) {
        throw new WandError('connection', `nothing on the robot subscribes to ${topic}; is the base driver running? The robot stays disarmed`);
      }
    } catch (err) {
      // Without rosapi (or if it hangs) the check is skipped; the stall detector still notices a deaf base.
      if (!(err instanceof ServiceCallError)) throw err;
    }
  }

  getPose(): Pose2D {
    return toPose2D(this.telemetry.pose!);
  }

  scan(): ScanSectors | null {
    const laser = this.telemetry.laser;
    if (!this.opts.config.topics.scan || !laser) return null;
    const age = performance.now() - laser.at;
    if (age > SCAN_STALE_MS) {
      throw new WandError('connection', `the laser scan on ${this.opts.config.topics.scan.name} is stale (last one ${Math.round(age)} ms ago)`);
    }
    return scanSectors(laser.beams, laser.rangeMin, laser.rangeMax);
  }

  async drive(distance: number, signal: AbortSignal): Promise<void> {
    await this.controller.drive(distance, signal);
  }

  async turn(degrees: number, signal: AbortSignal): Promise<void> {
    await this.controller.turn(degToRad(degrees), signal);
  }

  stop(): Promise<void> {
    return this.halt();
  }

  world(): WorldInfo {
    const namedPositions = Object.fromEntries(Object.entries(this.opts.config.places).map(([n, [x, y]]) => [n, { x, y, z: 0 }]));
    const b = this.envelopeValue?.bounds() ?? { x: [0, 0], y: [0, 0] };
    return { name: 'ros', bounds: { x: [...b.x], y: [...b.y], z: [0, 0] }, namedPositions };
  }

  state(): StateSnapshot {
    const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
    const robot = this.telemetry.pose
      ? { pose: this.getPose(), velocity: { linear: r4(this.telemetry.velocity.linear), angular: r4(this.telemetry.velocity.angular) } }
      : {};
    return { robot, holding: null, objects: [] };
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
    this.controllerValue?.stop();
    await this.commands.flush(FLUSH_MS);
  }

  /** The rehearsal world: open floor, the robot at its current pose, its laser returns as obstacles. */
  async createRehearsal(): Promise<RehearsalTwin> {
    const places = Object.fromEntries(Object.entries(this.opts.config.places).map(([n, xy]) => [n, [...xy] as [number, number]]));
    const room = openFloor(places, this.laserPosts(), this.envelope.bounds());
    const sim = new MobileSim({ room, start: this.getPose(), envelope: this.envelope.copy(), scanner: !!this.telemetry.laser });
    return { backend: sim, envelope: sim.envelope, collisions: () => sim.collisions() };
  }

  private laserPosts(): Post[] {
    const laser = this.telemetry.laser;
    if (!laser) return [];
    const hits = laser.beams.filter((b) => b.range !== null && b.range >= laser.rangeMin && b.range < laser.rangeMax && b.range > ROBOT_RADIUS);
    const every = Math.max(1, Math.ceil(hits.length / REHEARSAL_POSTS));
    const { x, y, yaw } = laser.pose;
    return hits
      .filter((_, i) => i % every === 0)
      .map((b) => ({ x: x + b.range! * Math.cos(yaw + b.angle), y: y + b.range! * Math.sin(yaw + b.angle), r: 0.02 }));
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.watchdog.stop();
    this.program?.abort(new WandError('aborted', 'the robot connection was closed'));
    if (this.commands.isUp) {
      this.controllerValue?.stop();
      this.publisher.dispose();
      await this.commands.flush(FLUSH_MS);
    }
    if (this.telemetryLink.isUp) this.telemetry.stop();
    await this.telemetryLink.flush(FLUSH_MS);
    this.commands.close();
    this.telemetryLink.close();
  }
}
