#!/usr/bin/env node
// Runs the bundled command line (see bundle.js), rebuilding it first when a source is newer. If it cannot be
// built (a syntax error being fixed, a read-only checkout), the sources run through tsx instead, as before.
import { buildBundle, freshBundle, useBuild } from './bundle.js';

let entry = freshBundle();
if (!entry) {
  try {
    entry = await buildBundle();
  } catch {
    entry = null;
  }
}
if (entry) {
  useBuild(entry);
  await import(entry);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
