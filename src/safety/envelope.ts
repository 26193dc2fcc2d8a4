import { WandError } from '../core/errors.ts';
import { SAFETY_DEFAULTS, type SafetyConfig } from './config.ts';
import { type Fence, type XY, distanceOutside, fenceBounds, fenceText, pathInsideFence, xyText } from './geofence.ts';
import type { VelocityLimits } from './limits.ts';

/** One thing the envelope refused or stopped; a rehearsal with any of these never reaches the robot. */
/** Hitting something is a physical failure; everything else the envelope stops is a safety refusal. */
export function eventErrorKind(kind: EnvelopeEvent['kind']): 'physical' | 'safety' {
  return kind === 'collision' || kind === 'stall' ? 'physical' : 'safety';
}

export interface EnvelopeEvent {
  /** The mobile base's kinds, then the arm's (src/safety/arm-envelope.ts). */
  kind: 'geofence' | 'duration' | 'left_geofence' | 'collision' | 'stall' | 'joint_limit' | 'workspace' | 'table' | 'speed';
  message: string;
}

/**
 * The resolved safety envelope of one robot (or one simulated robot): speed limits, geofence, motion
 * time limit, odometry timeout. The simulator and the ROS backend hold one each and check every motion
 * against it, so a program meets the same rules in both.
 */
export class Envelope {
  readonly events: EnvelopeEvent[] = [];

  constructor(
    readonly limits: VelocityLimits,
    readonly fence: Fence,
    readonly maxMotionS: number,
    readonly odomTimeoutMs: number,
  ) {}

  /** Config + defaults; a radius fence without a centre is centred on `start` (where the robot is now). */
  static from(config: SafetyConfig | undefined, start: XY, defaultFence?: Fence): Envelope {
    const c = config ?? {};
    const limits: VelocityLimits = {
      maxLinear: c.limits?.maxLinear ?? SAFETY_DEFAULTS.maxLinear,
      maxAngular: c.limits?.maxAngular ?? SAFETY_DEFAULTS.maxAngular,
      maxAccel: c.limits?.maxAccel ?? SAFETY_DEFAULTS.maxAccel,
      maxAngularAccel: c.limits?.maxAngularAccel ?? SAFETY_DEFAULTS.maxAngularAccel,
    };
    let fence: Fence;
    if (c.geofence && 'polygon' in c.geofence) fence = { kind: 'polygon', points: c.geofence.polygon.map(([x, y]) => ({ x, y })) };
    else if (c.geofence) {
      const [x, y] = c.geofence.center ?? [start.x, start.y];
      fence = { kind: 'circle', center: { x, y }, radius: c.geofence.radius };
    } else fence = defaultFence ?? { kind: 'circle', center: { x: start.x, y: start.y }, radius: SAFETY_DEFAULTS.geofenceRadius };
    return new Envelope(limits, fence, c.maxMotionSeconds ?? SAFETY_DEFAULTS.maxMotionSeconds, c.odomTimeoutMs ?? SAFETY_DEFAULTS.odomTimeoutMs);
  }

  /** A fresh copy with no events, for a rehearsal of the same program. */
  copy(): Envelope {
    return new Envelope({ ...this.limits }, structuredClone(this.fence), this.maxMotionS, this.odomTimeoutMs);
  }

  record(kind: EnvelopeEvent['kind'], message: string): WandError {
    this.events.push({ kind, message });
    return new WandError(eventErrorKind(kind), message);
  }

  /** Refuses a straight drive that would end (or pass) outside the geofence — before anything moves. */
  requirePath(from: XY, to: XY, what: string): void {
    if (pathInsideFence(this.fence, from, to)) return;
    const out = distanceOutside(this.fence, to);
    throw this.record(
      'geofence',
      `${what}: refused by the geofence: the path from ${xyText(from)} to ${xyText(to)} ` +
        (out > 0 ? `ends ${out.toFixed(2)} m outside` : 'crosses out of') +
        ` the allowed area (${fenceText(this.fence)}); nothing moved`,
    );
  }

  /** Refuses a motion that cannot finish within maxMotionSeconds at the speed limits. */
  requireDuration(seconds: number, what: string): void {
    if (seconds <= this.maxMotionS) return;
    throw this.record(
      'duration',
      `${what}: refused: at the speed limits it would take ${seconds.toFixed(1)} s, more than maxMotionSeconds ` +
        `(${this.maxMotionS} s); split it into shorter motions. Nothing moved`,
    );
  }

  requireDriveTime(metres: number, what: string): void {
    this.requireDuration(motionTime(metres, this.limits.maxLinear, this.limits.maxAccel), what);
  }

  requireTurnTime(radians: number, what: string): void {
    this.requireDuration(motionTime(radians, this.limits.maxAngular, this.limits.maxAngularAccel), what);
  }

  /** The longest drive that passes requireDriveTime (goTo splits longer trips into legs of this). */
  maxDriveDistance(): number {
    const { maxLinear: v, maxAccel: a } = this.limits;
    const t = (this.maxMotionS - 0.5) / 1.1;
    return Math.max(0.05, 0.95 * (t - v / a) * v);
  }

  bounds(): { x: [number, number]; y: [number, number] } {
    return fenceBounds(this.fence);
  }

  /** For the JSON result and status lines. */
  describe() {
    return { limits: { ...this.limits }, geofence: fenceText(this.fence), maxMotionSeconds: this.maxMotionS, odomTimeoutMs: this.odomTimeoutMs };
  }
}

/**
 * Time for a move of `amount` with a trapezoidal profile at these limits, plus a margin for the final
 * creep, so a motion that passes the plan also finishes within the limit.
 */
function motionTime(amount: number, vmax: number, accel: number): number {
  const a = Math.abs(amount);
  const rampDist = (vmax * vmax) / accel;
  const t = a >= rampDist ? a / vmax + vmax / accel : 2 * Math.sqrt(a / accel);
  return t * 1.1 + 0.5;
}

/** A backend that carries an envelope lets primitives check whole motions (goTo) before the first command. */
export interface HasEnvelope {
  readonly envelope: Envelope;
}

export function envelopeOf(backend: object): Envelope | null {
  const env = (backend as Partial<HasEnvelope>).envelope;
  return env instanceof Envelope ? env : null;
}
