import { WandError } from '../core/errors.ts';

export interface SignalStop {
  signal: AbortSignal;
  dispose(): void;
}

/**
 * Ctrl-C / SIGTERM abort the running program through an AbortSignal; the backend stops the robot.
 * A second Ctrl-C exits at once.
 */
export function abortOnSignals(): SignalStop {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new WandError('aborted', `stopped by ${name === 'SIGINT' ? 'Ctrl-C' : name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
