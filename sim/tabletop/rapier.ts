import RAPIER from '@dimforge/rapier3d-compat';

// The compat build inlines its WebAssembly, so it loads the same way in Node and in a browser bundle.
// Initialising it is asynchronous and must happen once per process before any world is built.

let ready: Promise<typeof RAPIER> | undefined;

export function loadRapier(): Promise<typeof RAPIER> {
  ready ??= RAPIER.init().then(() => RAPIER);
  return ready;
}

export type Rapier = typeof RAPIER;
