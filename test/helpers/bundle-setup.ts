// vitest globalSetup: CLI tests spawn `node bin/wand.js`, which would rebuild a stale bundle itself, in
// every process at once; building it here first means they all start from the current sources.
import { buildBundle, freshBundle } from '../../bin/bundle.js';

export default async function setup(): Promise<void> {
  if (!freshBundle()) await buildBundle();
}
