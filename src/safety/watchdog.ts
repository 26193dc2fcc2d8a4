/**
 * Telemetry watchdog: trips when nothing has been fed for `timeoutMs`. The ROS backend feeds it with
 * every odometry message; tripping stops the robot and aborts the program.
 */
export class Watchdog {
  private last = performance.now();
  private timer: NodeJS.Timeout | null = null;
  private tripped = false;

  constructor(
    readonly timeoutMs: number,
    private readonly onTrip: (ageMs: number) => void,
  ) {}

  feed(): void {
    this.last = performance.now();
    this.tripped = false;
  }

  ageMs(): number {
    return performance.now() - this.last;
  }

  start(): void {
    if (this.timer) return;
    // Checked several times per timeout, so a trip comes at most a quarter timeout late.
    this.timer = setInterval(() => this.check(), Math.max(10, Math.min(50, this.timeoutMs / 4)));
    this.timer.unref();
  }

  check(): void {
    const age = this.ageMs();
    if (!this.tripped && age > this.timeoutMs) {
      this.tripped = true;
      this.onTrip(age);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
