// Velocity clamping. Every command that leaves Wand for a wheel passes through here, whatever produced it.

/** m/s forward (negative backwards), rad/s counter-clockwise. */
export interface Twist2D {
  linear: number;
  angular: number;
}

export interface VelocityLimits {
  maxLinear: number;
  maxAngular: number;
  maxAccel: number;
  maxAngularAccel: number;
}

export const ZERO: Readonly<Twist2D> = Object.freeze({ linear: 0, angular: 0 });

const clampAbs = (v: number, max: number) => (Number.isFinite(v) ? Math.max(-max, Math.min(max, v)) : 0);

export function clampTwist(cmd: Twist2D, limits: VelocityLimits): Twist2D {
  return { linear: clampAbs(cmd.linear, limits.maxLinear), angular: clampAbs(cmd.angular, limits.maxAngular) };
}

/**
 * Clamps speeds and ramps changes by the acceleration limits. Slowing down toward zero is never
 * ramped: stopping must always be immediate on our side (the robot brakes at its own rate).
 */
export class VelocityLimiter {
  private last: Twist2D = { ...ZERO };

  constructor(private readonly limits: VelocityLimits) {}

  limit(cmd: Twist2D, dtS: number): Twist2D {
    const c = clampTwist(cmd, this.limits);
    const out = {
      linear: ramp(this.last.linear, c.linear, this.limits.maxAccel * dtS),
      angular: ramp(this.last.angular, c.angular, this.limits.maxAngularAccel * dtS),
    };
    this.last = out;
    return out;
  }

  /** The robot was told zero: the next motion starts its ramp from rest. */
  reset(): void {
    this.last = { ...ZERO };
  }
}

function ramp(from: number, to: number, maxStep: number): number {
  // Toward zero (same sign, smaller magnitude, or zero itself): allowed at once.
  if (to === 0 || (Math.sign(to) === Math.sign(from) && Math.abs(to) <= Math.abs(from))) return to;
  const step = to - from;
  return Math.abs(step) <= maxStep ? to : from + Math.sign(step) * maxStep;
}
