import { Service } from 'roslib';
import type { z } from 'zod';
import type { RosLink } from './link.ts';

/** Why a service call did not return a response. */
export class ServiceCallError extends Error {
  constructor(
    readonly reason: 'failed' | 'timeout' | 'disconnected',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A service call with a client-side timeout: roslib has none, and rosbridge (ROS 1) never answers a
 * call whose service hangs. Never queued while disconnected. A failure carries rosbridge's error text
 * (it answers `{"result": false, "values": "<error text>"}`).
 */
export function callService<T = unknown>(link: RosLink, name: string, args: object, timeoutMs: number, request?: z.ZodType): Promise<T> {
  // rosbridge answers a malformed request with an error at best; check it here, like every outgoing message.
  const checked = request?.safeParse(args);
  if (checked && !checked.success) {
    return Promise.reject(new ServiceCallError('failed', `${name}: malformed request (${checked.error.issues[0]!.message})`));
  }
  if (!link.isUp) return Promise.reject(new ServiceCallError('disconnected', `${name}: not connected to rosbridge`));
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      link.off('down', onDown);
      fn();
    };
    const timer = setTimeout(() => settle(() => reject(new ServiceCallError('timeout', `${name}: no response within ${timeoutMs} ms`))), timeoutMs);
    timer.unref();
    const onDown = () => settle(() => reject(new ServiceCallError('disconnected', `${name}: the connection was lost during the call`)));
    link.once('down', onDown);
    // The type is not sent by callService; rosbridge looks it up from the service name.
    new Service<object, T>({ ros: link.ros, name, serviceType: '' }).callService(
      args,
      (response) => settle(() => resolve(response)),
      (error) => settle(() => reject(new ServiceCallError('failed', `${name}: ${error}`))),
    );
  });
}
