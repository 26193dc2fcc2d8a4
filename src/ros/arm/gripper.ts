import { WandError } from '../../core/errors.ts';
import { ActionCallError, type ActionClient, type GoalOutcome } from '../action.ts';
import { GripperGoal, GripperResult, validateGoal } from './messages.ts';

// The gripper over control_msgs/GripperCommand. Whether something is held is decided from the result:
// fingers that stopped short of "closed" (stalled, goal not reached) hold something; fingers that reached
// "closed" closed on nothing. Controllers disagree on the status of a stalled grasp (ros2_control's
// GripperActionController aborts it unless allow_stalling is set), so the result fields decide, not the status.

export interface GripperSettings {
  open: number;
  closed: number;
  maxEffort: number;
  timeoutMs: number;
}

export type GripperGoalMsg = { command: { position: number; max_effort: number } };

/** Fingers this close to "closed" (a share of the open-closed range, at least 2 mm) closed on nothing. */
const EMPTY_SHARE = 0.1;
const EMPTY_MIN = 0.002;

export class GripperClient {
  /** 'closed' once a close finished, whether or not it grasped. */
  state: 'open' | 'closed' | 'unknown' = 'unknown';
  /** Finger position from the last result. */
  position: number | null = null;

  constructor(
    private readonly client: ActionClient<GripperGoalMsg, unknown, unknown>,
    readonly settings: GripperSettings,
  ) {}

  get name(): string {
    return this.client.name;
  }

  private async command(position: number, signal: AbortSignal): Promise<GripperResult | null> {
    const goal = { command: { position, max_effort: this.settings.maxEffort } };
    validateGoal(GripperGoal, goal, 'GripperCommand');
    let outcome: GoalOutcome<unknown>;
    try {
      outcome = await this.client.send(goal, { timeoutMs: this.settings.timeoutMs, signal }).done;
    } catch (err) {
      if (err instanceof WandError) throw err;
      if (err instanceof ActionCallError && err.reason === 'timeout') {
        throw new WandError('physical', `the gripper (${this.name}) did not finish within ${this.settings.timeoutMs} ms`);
      }
      throw new WandError('connection', (err as Error).message);
    }
    if (outcome.status === 'rejected' || outcome.status === 'failed') {
      throw new WandError('physical', `the gripper (${this.name}) ${outcome.status === 'rejected' ? 'rejected' : 'failed'} the command${outcome.text ? `: ${outcome.text}` : ''}`);
    }
    const parsed = GripperResult.safeParse(outcome.result);
    if (parsed.success) this.position = parsed.data.position;
    if (outcome.status === 'canceled') throw new WandError('physical', `the gripper's command was cancelled on the robot${outcome.text ? ` (${outcome.text})` : ''}`);
    return parsed.success ? parsed.data : null;
  }

  async open(signal: AbortSignal): Promise<void> {
    const r = await this.command(this.settings.open, signal);
    if (r && r.reached_goal === false && r.stalled) {
      throw new WandError('physical', `the gripper could not open (it stalled at ${r.position.toFixed(3)})`);
    }
    this.state = 'open';
  }

  /** Closes; true if the fingers stopped on something. */
  async close(signal: AbortSignal): Promise<boolean> {
    const r = await this.command(this.settings.closed, signal);
    this.state = 'closed';
    if (!r) return false;
    const { open, closed } = this.settings;
    const empty = Math.max(EMPTY_MIN, EMPTY_SHARE * Math.abs(open - closed));
    // Fingers that met have nothing between them; fingers held apart (stalled) hold something.
    return Math.abs(r.position - closed) > empty;
  }
}
