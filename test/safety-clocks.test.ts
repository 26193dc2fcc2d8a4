import { afterEach, describe, expect, it, vi } from 'vitest';
import { Watchdog } from '../src/safety/watchdog.ts';

// Safety bounds asserted on a fake clock, so they hold exactly on a busy machine; the integration tests only
// check that the same things happen, with generous bounds, and bench/ros.ts measures the real figures.

afterEach(() => {
  vi.useRealTimers();
});

describe('the odometry watchdog', () => {
  it('trips once odometry is older than its timeout, at most a quarter of the timeout late, and not before', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    const trips: number[] = [];
    const watchdog = new Watchdog(300, (age) => trips.push(age));
    watchdog.start();
    watchdog.feed();
    vi.advanceTimersByTime(300);
    expect(trips).toEqual([]);
    vi.advanceTimersByTime(300 / 4);
    expect(trips).toHaveLength(1);
    expect(trips[0]).toBeGreaterThan(300);
    expect(trips[0]).toBeLessThanOrEqual(300 + 300 / 4);
    // Once per staleness: it trips again only after being fed and going stale again.
    vi.advanceTimersByTime(1000);
    expect(trips).toHaveLength(1);
    watchdog.feed();
    vi.advanceTimersByTime(200);
    expect(trips).toHaveLength(1);
    vi.advanceTimersByTime(200);
    expect(trips).toHaveLength(2);
    watchdog.stop();
  });

  it('fed steadily, never trips', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    const onTrip = vi.fn();
    const watchdog = new Watchdog(300, onTrip);
    watchdog.start();
    for (let i = 0; i < 100; i++) {
      vi.advanceTimersByTime(50); // odometry at 20 Hz
      watchdog.feed();
    }
    expect(onTrip).not.toHaveBeenCalled();
    watchdog.stop();
  });
});
