import { Topic } from 'roslib';
import type { Twist2D } from '../safety/limits.ts';
import type { RosLink } from './link.ts';
import { type CmdVelType, twistMessage, validateCommand } from './messages.ts';

/**
 * The velocity command publisher. roslib queues a publish made while disconnected and replays every
 * queued one on reconnect — stale velocity commands reaching the robot seconds later. Here a publish
 * while the link is down is dropped and counted, never queued. Every message is validated first,
 * because rosbridge silently ignores a malformed one (the robot would just keep its last command).
 */
export class CommandPublisher {
  private readonly topic: Topic<unknown>;
  sent = 0;
  dropped = 0;

  constructor(
    private readonly link: RosLink,
    readonly name: string,
    readonly type: CmdVelType,
    private readonly frameId = 'base_link',
  ) {
    // queue_size 1: rosbridge's ROS-side publisher keeps only the newest command, no backlog.
    this.topic = new Topic({ ros: link.ros, name, messageType: type, queue_size: 1 });
  }

  /** Advertise now, well before the first command (a fresh ROS 1 publisher loses its first messages). */
  advertise(): void {
    if (this.link.isUp) this.topic.advertise();
  }

  /** true if the command went out on the socket, false if it was dropped (link down). */
  publish(cmd: Twist2D): boolean {
    const msg = twistMessage(cmd, this.type, this.frameId);
    validateCommand(this.type, msg);
    if (!this.link.isUp) {
      this.dropped++;
      return false;
    }
    this.topic.publish(msg);
    this.sent++;
    return true;
  }

  dispose(): void {
    if (this.link.isUp) this.topic.unadvertise();
  }
}
