import { Topic } from 'roslib';
import { WandError } from '../../core/errors.ts';
import type { RosLink } from '../link.ts';
import { JointStateMsg, secondsOf } from './messages.ts';
import { RobotClock } from './robot-clock.ts';

/**
 * The arm's measured joint positions from sensor_msgs/JointState, on the telemetry link. Drivers list
 * joints in their own order (often alphabetical, with gripper joints mixed in) and some publish several
 * partial messages: joints are matched by name, never by index, and each name keeps its newest value.
 */
export class JointStates {
  private readonly latest = new Map<string, number>();
  /** performance.now() each joint was last heard. */
  private readonly heardAt = new Map<string, number>();
  /** When the stalest of the arm's joints was heard: the age of the arm's state as a whole. */
  private completeAt = 0;
  malformed = 0;
  readonly clock = new RobotClock();
  private readonly topic: Topic<unknown>;
  private readonly listeners = new Set<() => void>();

  constructor(
    link: RosLink,
    readonly name: string,
    /** The arm's joints, in the order Wand uses. */
    private readonly joints: readonly string[],
    private readonly onFresh: () => void,
    throttleMs = 20,
  ) {
    const type = 'sensor_msgs/JointState';
    this.topic = new Topic({ ros: link.ros, name, messageType: type, throttle_rate: throttleMs, queue_length: 1 });
  }

  start(): void {
    this.topic.subscribe((m) => this.onMessage(m));
  }

  stop(): void {
    this.topic.unsubscribe();
  }

  private onMessage(raw: unknown): void {
    const parsed = JointStateMsg.safeParse(raw);
    if (!parsed.success) return void this.malformed++;
    const { name, position } = parsed.data;
    const now = performance.now();
    let armJoint = false;
    for (let i = 0; i < name.length; i++) {
      const p = position[i];
      if (typeof p !== 'number' || !Number.isFinite(p)) continue;
      this.latest.set(name[i]!, p);
      this.heardAt.set(name[i]!, now);
      armJoint ||= this.joints.includes(name[i]!);
    }
    // A gripper driver that still publishes does not keep a silent arm fresh.
    if (armJoint && this.joints.every((j) => this.heardAt.has(j))) {
      this.completeAt = Math.min(...this.joints.map((j) => this.heardAt.get(j)!));
      this.clock.observe(secondsOf(parsed.data.header?.stamp));
      this.onFresh();
      for (const l of this.listeners) l();
    }
  }

  /** True once every joint of the arm has been heard. */
  get known(): boolean {
    return this.completeAt > 0;
  }

  ageMs(): number {
    return this.completeAt ? performance.now() - this.completeAt : Infinity;
  }

  /** The arm's joints in Wand's order; throws (kind connection) before they were ever heard. */
  positions(): number[] {
    if (!this.known) throw new WandError('connection', this.missingText());
    return this.joints.map((j) => this.latest.get(j)!);
  }

  /** Any joint's newest position (gripper joints too), or undefined. */
  position(joint: string): number | undefined {
    return this.latest.get(joint);
  }

  /** What is missing, for the error when the arm's joints never all arrived. */
  missingText(): string {
    const missing = this.joints.filter((j) => !this.latest.has(j));
    const heard = [...this.latest.keys()];
    const bad = this.malformed ? `; ${this.malformed} malformed messages ignored` : '';
    return heard.length
      ? `${this.name} does not report the joints ${missing.join(', ')} (it reports ${heard.join(', ')}${bad}); check "trajectory.joints" and the URDF's joint names`
      : `no joint states on ${this.name}${bad}; is the driver running, and is the topic name right ("jointStates" in the config)?`;
  }

  /** Calls `fn` on every complete joint state until the returned function is called. */
  onUpdate(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
