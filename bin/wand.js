#!/usr/bin/env node
// Runs the bundled command line (see bundle.js), rebuilding it first when a source is newer. If it cannot be
// built (a syntax error being fixed, a read-only checkout), the sources run through tsx instead, as before.
import { buildBundle, freshBundle, useBuild } from './bundle.js';

// Ctrl-C from the first moment: while the command line loads (or the bundle is rebuilt), a Ctrl-C or
// SIGTERM is remembered and handed to the command, so `wand run --json` still prints its one result.
// A second one exits at once.
const early = {
  /** @type {NodeJS.Signals | undefined} */
  received: undefined,
  /** @param {NodeJS.Signals} name */
  listener(name) {
    if (early.received) process.exit(130);
    early.received = name;
  },
  release() {
    process.off('SIGINT', early.listener);
    process.off('SIGTERM', early.listener);
  },
};
process.on('SIGINT', early.listener);
process.on('SIGTERM', early.listener);

let entry = freshBundle();
if (!entry) {
  try {
    entry = await buildBundle();
  } catch {
    entry = null;
  }
}
let main;
if (entry) {
  useBuild(entry);
  main = await import(entry);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  main = await import('../src/cli/main.ts');
}
main.cli(process.argv.slice(2), early);
