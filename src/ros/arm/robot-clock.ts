// The robot's own clock, read from the stamps of its joint states. Trajectory times are in the robot's
// time: on a robot that runs on simulated time (Gazebo, a test arm) faster or slower than the wall clock,
// the next segment of a long move must still go out just before the current one ends in *its* time.
// Without usable stamps (zero, not increasing) the wall clock stands in.

interface Sample {
  wall: number;
  robot: number;
}

/** Stamps seen over this window give the rate. */
const WINDOW_S = 2;
const MIN_SPAN_S = 0.2;

export class RobotClock {
  private samples: Sample[] = [];
  private rateValue = 1;
  private noStamps = false;

  /** A stamp (robot seconds) received at wall time `wall` (seconds, performance.now() / 1000). */
  observe(robot: number, wall = performance.now() / 1000): void {
    const last = this.samples.at(-1);
    if (!Number.isFinite(robot) || robot <= 0 || (last && robot < last.robot)) {
      this.samples = []; // no stamps, or the clock jumped back (a restarted simulation): the wall clock again
      this.rateValue = 1;
      this.noStamps = true;
      return;
    }
    this.noStamps = false;
    if (last && robot === last.robot) return;
    this.samples.push({ wall, robot });
    while (this.samples.length > 2 && wall - this.samples[0]!.wall > WINDOW_S) this.samples.shift();
    const first = this.samples[0]!;
    const span = wall - first.wall;
    if (span >= MIN_SPAN_S) {
      const rate = (robot - first.robot) / span;
      // A rate far off is a stamp glitch, not a clock: keep the previous one.
      if (rate > 0.02 && rate < 50) this.rateValue = rate;
    }
  }

  /** Whether the rate is known: stamps seen over a long enough span, or none usable (the wall clock then). */
  get calibrated(): boolean {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    return this.noStamps || (!!first && !!last && last.wall - first.wall >= MIN_SPAN_S);
  }

  /** Robot seconds per wall second (1 without stamps). */
  get rate(): number {
    return this.rateValue;
  }

  /** The robot's time now; the wall clock if no stamps have been seen. */
  now(wall = performance.now() / 1000): number {
    const last = this.samples.at(-1);
    return last ? last.robot + (wall - last.wall) * this.rateValue : wall;
  }

  /** Wall milliseconds for a span of robot seconds. */
  wallMs(robotSeconds: number): number {
    return (robotSeconds / this.rateValue) * 1000;
  }
}
