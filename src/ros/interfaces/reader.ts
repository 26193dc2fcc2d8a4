import { Topic } from 'roslib';
import { WandError } from '../../core/errors.ts';
import type { RosLink } from '../link.ts';

/** rosbridge-side throttle of a read topic: the newest message every this many ms is plenty for a reading. */
const THROTTLE_MS = 100;

/**
 * A `read` interface: the newest message on a topic (or one field of it) and its age. A reading older than
 * the staleness limit is an error, not a value; before the first message arrives, a call waits for it up to
 * that limit. The age is measured from arrival here (robot clocks and simulated time do not matter).
 */
export class Reader {
  private message: unknown;
  private at = 0;
  private readonly startedAt = performance.now();
  private readonly topic: Topic<unknown>;
  private arrived: (() => void)[] = [];

  constructor(
    link: RosLink,
    readonly name: string,
    type: string,
    private readonly maxAgeS: number,
    private readonly pick: (message: unknown) => unknown = (m) => m,
  ) {
    this.topic = new Topic({ ros: link.ros, name, messageType: type, throttle_rate: THROTTLE_MS, queue_length: 1 });
  }

  start(): void {
    this.topic.subscribe((m) => {
      this.message = m;
      this.at = performance.now();
      for (const done of this.arrived.splice(0)) done();
    });
  }

  stop(): void {
    this.topic.unsubscribe();
  }

  async latest(signal: AbortSignal): Promise<{ value: unknown; ageS: number }> {
    if (!this.at) await this.first(signal);
    const age = (performance.now() - this.at) / 1000;
    if (age > this.maxAgeS) {
      throw new WandError('connection', `the latest message on ${this.name} is ${age.toFixed(1)} s old, older than the limit of ${this.maxAgeS} s (maxAgeS); is its publisher still running?`);
    }
    const value = this.pick(this.message);
    return { value: value === undefined ? null : value, ageS: Math.round(age * 1000) / 1000 };
  }

  /** Waits for the first message, at most until maxAgeS after the subscription. */
  private first(signal: AbortSignal): Promise<void> {
    const left = this.startedAt + this.maxAgeS * 1000 - performance.now();
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', stopped);
        resolve();
      };
      const stopped = () => {
        clearTimeout(timer);
        this.arrived = this.arrived.filter((d) => d !== done);
        reject(signal.reason instanceof WandError ? signal.reason : new WandError('aborted', 'stopped'));
      };
      const timer = setTimeout(() => {
        this.arrived = this.arrived.filter((d) => d !== done);
        signal.removeEventListener('abort', stopped);
        reject(new WandError('connection', `no message on ${this.name} within ${this.maxAgeS} s (maxAgeS) of subscribing; is its publisher running?`));
      }, Math.max(0, left));
      if (signal.aborted) return stopped();
      signal.addEventListener('abort', stopped, { once: true });
      this.arrived.push(done);
    });
  }
}
