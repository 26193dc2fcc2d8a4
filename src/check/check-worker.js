// Entry of the type-checker thread. Worker threads do not inherit the host's loader hooks (tsx under
// `wand`, vite's under vitest), so this plain-JavaScript entry registers tsx itself and then loads the
// TypeScript (the same arrangement as src/select/sim-worker.js).
import { register } from 'tsx/esm/api';

register();
await import('./check-worker-main.ts');
