import { Topic } from 'roslib';
import type { PoseRad } from '../safety/controller.ts';
import type { Twist2D } from '../safety/limits.ts';
import type { Beam } from '../../primitives/mobile/sectors.ts';
import type { Topics } from './config.ts';
import type { RosLink } from './link.ts';
import { LaserScanMsg, OdometryMsg, yawOf } from './messages.ts';

export interface LaserSnapshot {
  beams: Beam[];
  rangeMin: number;
  rangeMax: number;
  /** performance.now() at receipt. */
  at: number;
  /** Where the robot was when the scan arrived (to place its returns in the odometry frame). */
  pose: PoseRad;
}

/**
 * Odometry and laser scan from the telemetry link (its own websocket, so this stream never delays a
 * command). Both are throttled by rosbridge and keep only the newest message (queue_length 1).
 */
export class Telemetry {
  pose: PoseRad | null = null;
  velocity: Twist2D = { linear: 0, angular: 0 };
  /** performance.now() of the last good odometry message (the one `pose` comes from). */
  odomAt = 0;
  malformed = 0;
  laser: LaserSnapshot | null = null;
  private readonly odomTopic: Topic<unknown>;
  private readonly scanTopic: Topic<unknown> | null;

  constructor(
    link: RosLink,
    private readonly topics: Topics,
    private readonly onOdom: () => void,
  ) {
    this.odomTopic = new Topic({ ros: link.ros, name: topics.odom.name, messageType: topics.odom.type, throttle_rate: topics.odom.throttleMs, queue_length: 1 });
    this.scanTopic = topics.scan
      ? new Topic({ ros: link.ros, name: topics.scan.name, messageType: topics.scan.type, throttle_rate: topics.scan.throttleMs, queue_length: 1 })
      : null;
  }

  start(): void {
    this.odomTopic.subscribe((m) => this.onOdometry(m));
    this.scanTopic?.subscribe((m) => this.onScan(m));
  }

  stop(): void {
    this.odomTopic.unsubscribe();
    this.scanTopic?.unsubscribe();
  }

  private onOdometry(raw: unknown): void {
    const parsed = OdometryMsg.safeParse(raw);
    if (!parsed.success) return void this.malformed++;
    const { position, orientation } = parsed.data.pose.pose;
    const yaw = yawOf(orientation);
    if (![position.x, position.y, yaw].every(Number.isFinite)) return void this.malformed++;
    this.pose = { x: position.x, y: position.y, yaw };
    const tw = parsed.data.twist?.twist;
    if (tw) this.velocity = { linear: tw.linear.x, angular: tw.angular.z };
    this.odomAt = performance.now();
    this.onOdom();
  }

  private onScan(raw: unknown): void {
    const parsed = LaserScanMsg.safeParse(raw);
    if (!parsed.success || !this.pose) return void this.malformed++;
    const s = parsed.data;
    const offset = ((this.topics.scan?.angleOffsetDeg ?? 0) * Math.PI) / 180;
    const beams = s.ranges.map((range, i) => ({ angle: s.angle_min + i * s.angle_increment + offset, range }));
    this.laser = { beams, rangeMin: s.range_min, rangeMax: s.range_max, at: performance.now(), pose: { ...this.pose } };
  }

  odomAgeMs(): number {
    return this.pose ? performance.now() - this.odomAt : Infinity;
  }
}
