// Entry of a candidate-simulation worker thread. Worker threads do not inherit the host's loader hooks
// (tsx under `wand`, vite's under vitest), and Node 20 loads a worker's entry before any `--import`
// hook could apply, so this plain-JavaScript entry loads the bundled worker when it is current (see
// bin/bundle.js) and otherwise registers tsx itself and loads the TypeScript.
import { freshBundle, useBuild } from '../../bin/bundle.js';

const bundled = freshBundle('sim-worker-main');
if (bundled) {
  useBuild(bundled);
  await import(bundled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./sim-worker-main.ts');
}
