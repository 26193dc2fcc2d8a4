import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { MobileBackend, StateSnapshot, WorldInfo } from '../../primitives/backend.ts';
import { degToRad, toPose2D } from '../../primitives/mobile/pose.ts';
import { scanSectors, type Beam } from '../../primitives/mobile/sectors.ts';
import type { ObjectInfo, Pose2D, ScanSectors } from '../../primitives/schemas.ts';
import type { SafetyConfig } from '../../src/safety/config.ts';
import { MotionController, abortError, wrapAngle, type BaseIO, type PoseRad } from '../../src/safety/controller.ts';
import { Envelope, type HasEnvelope } from '../../src/safety/envelope.ts';
import type { Fence } from '../../src/safety/geofence.ts';
import type { Twist2D } from '../../src/safety/limits.ts';
import type { WandError } from '../../src/core/errors.ts';
import { nearestObstacle, raycaster } from './geometry.ts';
import { MOBILE_ROOM, ROBOT_RADIUS, WALL_HEIGHT, type RoomSpec } from './room.ts';

// A diff-drive base in a room, stepped in simulated time as fast as the CPU allows. Motions go through
// the same MotionController and Envelope as on a real robot; only the pose source (exact integration)
// and the velocity sink (the simulated wheels) differ.

export interface MobileSimOptions {
  room?: RoomSpec;
  /** Start pose in the API's units (yaw in degrees); default the origin facing +x. */
  start?: Pose2D;
  /** Safety config (limits, geofence...); a radius geofence without a centre is centred on the start. */
  safety?: SafetyConfig;
  /** A ready envelope (a rehearsal uses a copy of the robot's); wins over `safety`. */
  envelope?: Envelope;
  /** false: the robot has no laser scanner and scan() fails, like a robot without /scan. */
  scanner?: boolean;
  /** Named places replacing the room's: a robot config's, so the simulator knows the robot's map. */
  places?: Record<string, [number, number]>;
}

/** Physics step. */
const DT = 0.01;
/** What the simulated wheels can do, whatever they are told (a real base has such limits too). */
const BASE_ACCEL = 1.5;
const BASE_ANGULAR_ACCEL = 4;
/** Like diff_drive_controller's cmd_vel_timeout: without fresh commands the base stops. */
const CMD_TIMEOUT_S = 0.5;
/** Give the event loop a turn this often (in control periods), so Ctrl-C and e-stop get through. */
const YIELD_EVERY = 10;
export const LASER = { beams: 360, rangeMin: 0.12, rangeMax: 8 } as const;

const approach = (v: number, target: number, step: number) => (Math.abs(target - v) <= step ? target : v + Math.sign(target - v) * step);
const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

export class MobileSim implements MobileBackend, HasEnvelope {
  readonly profile = 'mobile' as const;
  readonly envelope: Envelope;
  readonly room: RoomSpec;
  private pose: PoseRad;
  private vel: Twist2D = { linear: 0, angular: 0 };
  private cmd: Twist2D = { linear: 0, angular: 0 };
  private cmdAt = 0;
  private t = 0;
  private ticks = 0;
  private collision: WandError | null = null;
  /** Set by the session server so a person can watch motions at wall-clock speed; awaited instead of yielding. */
  pace: ((simTimeS: number) => Promise<void>) | null = null;
  private readonly controller: MotionController;
  private readonly cast: ReturnType<typeof raycaster>;
  private readonly hasScanner: boolean;

  constructor(opts: MobileSimOptions = {}) {
    const room = opts.room ?? MOBILE_ROOM;
    this.room = opts.places ? { ...room, places: structuredClone(opts.places) } : room;
    const s = opts.start ?? { x: 0, y: 0, yaw: 0 };
    this.pose = { x: s.x, y: s.y, yaw: degToRad(s.yaw) };
    this.envelope = opts.envelope ?? Envelope.from(opts.safety, this.pose, roomFence(this.room));
    this.hasScanner = opts.scanner ?? true;
    this.cast = raycaster(this.room);
    const io: BaseIO = {
      pose: () => ({ ...this.pose }),
      send: (cmd) => {
        this.cmd = { ...cmd };
        this.cmdAt = this.t;
      },
      tick: (dt) => this.tick(dt),
      now: () => this.t,
      fault: () => this.collision,
    };
    this.controller = new MotionController(io, this.envelope);
  }

  /** Steps the world, then gives the event loop (or the pacing) its turn every YIELD_EVERY calls. */
  private async tick(seconds: number): Promise<void> {
    this.step(seconds);
    if (++this.ticks % YIELD_EVERY === 0 || this.pace) await (this.pace ? this.pace(this.t) : yieldToEventLoop());
  }

  /** Advance the world by `seconds` of simulated time. */
  step(seconds: number): void {
    for (let n = Math.max(1, Math.round(seconds / DT)); n > 0; n--) {
      if (this.t - this.cmdAt > CMD_TIMEOUT_S) this.cmd = { linear: 0, angular: 0 };
      this.vel.linear = approach(this.vel.linear, this.cmd.linear, BASE_ACCEL * DT);
      this.vel.angular = approach(this.vel.angular, this.cmd.angular, BASE_ANGULAR_ACCEL * DT);
      const mid = this.pose.yaw + (this.vel.angular * DT) / 2;
      const next = { x: this.pose.x + this.vel.linear * Math.cos(mid) * DT, y: this.pose.y + this.vel.linear * Math.sin(mid) * DT };
      // A move counts as a collision when it gets closer than the body allows; moving away is always possible.
      // Turning in place and standing still cannot collide, so they skip the obstacle search.
      const near = this.vel.linear === 0 ? null : nearestObstacle(this.room, next);
      if (near && near.distance < ROBOT_RADIUS && near.distance < nearestObstacle(this.room, this.pose).distance) {
        this.vel = { linear: 0, angular: 0 };
        this.cmd = { linear: 0, angular: 0 };
        if (!this.collision) {
          const at = `(${this.pose.x.toFixed(2)}, ${this.pose.y.toFixed(2)})`;
          this.collision = this.envelope.record('collision', `the robot hit ${near.what} at ${at} and stopped there`);
        }
      } else {
        this.pose.x = next.x;
        this.pose.y = next.y;
      }
      this.pose.yaw = wrapAngle(this.pose.yaw + this.vel.angular * DT);
      this.t += DT;
    }
  }

  /** Collisions so far, also those a program caught. */
  collisions(): string[] {
    return this.envelope.events.filter((e) => e.kind === 'collision').map((e) => e.message);
  }

  getPose(): Pose2D {
    return toPose2D(this.pose);
  }

  scan(): ScanSectors | null {
    if (!this.hasScanner) return null;
    const beams: Beam[] = [];
    for (let i = 0; i < LASER.beams; i++) {
      const angle = -Math.PI + (i * 2 * Math.PI) / LASER.beams;
      const d = this.cast(this.pose, this.pose.yaw + angle);
      beams.push({ angle, range: d > LASER.rangeMax ? Infinity : d });
    }
    return scanSectors(beams, LASER.rangeMin, LASER.rangeMax);
  }

  async drive(distance: number, signal: AbortSignal): Promise<void> {
    this.collision = null;
    await this.controller.drive(distance, signal);
  }

  async turn(degrees: number, signal: AbortSignal): Promise<void> {
    this.collision = null;
    await this.controller.turn(degToRad(degrees), signal);
  }

  async stop(): Promise<void> {
    this.controller.stop();
  }

  world(): WorldInfo {
    const namedPositions = Object.fromEntries(Object.entries(this.room.places).map(([n, [x, y]]) => [n, { x, y, z: 0 }]));
    return { name: this.room.name, bounds: { x: [...this.room.bounds.x], y: [...this.room.bounds.y], z: [0, WALL_HEIGHT] }, namedPositions };
  }

  state(): StateSnapshot {
    const objects: ObjectInfo[] = this.room.boxes.map((b) => ({
      name: b.name,
      kind: 'block',
      color: b.color,
      position: { x: b.center[0], y: b.center[1], z: b.size[2] / 2 },
      size: { x: b.size[0], y: b.size[1], z: b.size[2] },
    }));
    return {
      robot: { pose: this.getPose(), velocity: { linear: r4(this.vel.linear), angular: r4(this.vel.angular) } },
      holding: null,
      objects,
    };
  }

  simTimeS(): number {
    return this.t;
  }

  async wait(seconds: number, signal: AbortSignal): Promise<void> {
    const end = this.t + seconds;
    while (this.t < end - 1e-9) {
      if (signal.aborted) throw abortError(signal);
      await this.tick(Math.min(0.05, end - this.t));
    }
  }

  async halt(): Promise<void> {
    this.controller.stop();
    this.vel = { linear: 0, angular: 0 };
  }

  async dispose(): Promise<void> {}
}

/** In the room the walls are the real limit; the default geofence is the room plus half a metre. */
function roomFence(room: RoomSpec): Fence {
  const [x0, x1] = room.bounds.x;
  const [y0, y1] = room.bounds.y;
  const m = 0.5;
  return {
    kind: 'polygon',
    points: [
      { x: x0 - m, y: y0 - m },
      { x: x1 + m, y: y0 - m },
      { x: x1 + m, y: y1 + m },
      { x: x0 - m, y: y1 + m },
    ],
  };
}

export function createMobileSim(opts: MobileSimOptions = {}): MobileSim {
  return new MobileSim(opts);
}
