#!/usr/bin/env node
// Wand's sources are TypeScript run through tsx, so `npx wand` works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
