// Entry of a candidate-simulation worker thread. Worker threads do not inherit the host's loader hooks
// (tsx under `wand`, vite's under vitest), and Node 20 loads a worker's entry before any `--import`
// hook could apply, so this plain-JavaScript entry registers tsx itself and then loads the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./sim-worker-main.ts');
