import type { Vec3 } from '../../primitives/schemas.ts';

// A straight line from `from` to `to` with a trapezoidal speed profile: accelerate at `accel`, cruise at
// `speed`, decelerate to rest exactly at the target. Short moves never reach cruise speed (triangular profile).

export class LinearTrajectory {
  readonly duration: number;
  private readonly length: number;
  private readonly rampTime: number;
  private readonly peakSpeed: number;

  constructor(
    private readonly from: Vec3,
    private readonly to: Vec3,
    speed: number,
    private readonly accel: number,
  ) {
    this.length = Math.hypot(to.x - from.x, to.y - from.y, to.z - from.z);
    const rampLength = (speed * speed) / accel;
    this.peakSpeed = this.length < rampLength ? Math.sqrt(this.length * accel) : speed;
    this.rampTime = this.peakSpeed / accel;
    this.duration = this.length === 0 ? 0 : 2 * this.rampTime + (this.length - this.peakSpeed * this.rampTime) / this.peakSpeed;
  }

  /** Distance travelled along the line at time t. */
  private distanceAt(t: number): number {
    if (t <= 0) return 0;
    if (t >= this.duration) return this.length;
    const a = this.accel;
    if (t < this.rampTime) return 0.5 * a * t * t;
    const braking = this.duration - t;
    if (braking < this.rampTime) return this.length - 0.5 * a * braking * braking;
    return 0.5 * this.peakSpeed * this.rampTime + this.peakSpeed * (t - this.rampTime);
  }

  /** Writes the point at time t into `out` (no allocation: this runs every physics step). */
  at(t: number, out: Vec3): Vec3 {
    if (t >= this.duration || this.length === 0) {
      out.x = this.to.x;
      out.y = this.to.y;
      out.z = this.to.z;
      return out;
    }
    const f = this.distanceAt(t) / this.length;
    out.x = this.from.x + (this.to.x - this.from.x) * f;
    out.y = this.from.y + (this.to.y - this.from.y) * f;
    out.z = this.from.z + (this.to.z - this.from.z) * f;
    return out;
  }
}
