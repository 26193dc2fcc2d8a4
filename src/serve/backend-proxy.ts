import type { Backend } from '../../primitives/backend.ts';

/**
 * The backend with some of its members replaced. Everything else goes to the backend itself, methods
 * bound to it, so they use its own (private) fields, not the proxy's.
 */
export function withOverrides(backend: Backend, overrides: Record<string, unknown>): Backend {
  return new Proxy(backend, {
    get(t, key) {
      if (typeof key === 'string' && Object.hasOwn(overrides, key)) return overrides[key];
      const value = Reflect.get(t, key, t);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}
