// Entry of the type-checker thread. Worker threads do not inherit the host's loader hooks (tsx under
// `wand`, vite's under vitest), and Node 20 loads a worker's entry before any `--import` hook could apply,
// so this plain-JavaScript entry loads the bundled checker when it is current (see bin/bundle.js) and
// otherwise registers tsx itself and loads the TypeScript (the same arrangement as src/select/sim-worker.js).
import { freshBundle, useBuild } from '../../bin/bundle.js';

const bundled = freshBundle('check-worker-main');
if (bundled) {
  useBuild(bundled);
  await import(bundled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./check-worker-main.ts');
}
