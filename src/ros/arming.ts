import { WandError } from '../core/errors.ts';

/**
 * Whether the robot may be given non-zero velocity. Disarmed by a lost link or stale odometry, and it
 * stays disarmed after the link comes back: only a new program (ProgramGuard.beginProgram) re-arms it,
 * so nothing that was running when the link dropped resumes on its own. Zero commands are always allowed.
 */
export class Arming {
  private armedNow = false;
  private why = 'not armed yet';

  get armed(): boolean {
    return this.armedNow;
  }

  arm(): void {
    this.armedNow = true;
    this.why = '';
  }

  disarm(reason: string): void {
    if (!this.armedNow) return;
    this.armedNow = false;
    this.why = reason;
  }

  error(): WandError {
    return new WandError('connection', `the robot is disarmed (${this.why}); it stays disarmed until a new program starts`);
  }
}
