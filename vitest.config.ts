import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests spawn bin/wand.js, which runs the bundle: build it once, before any of them, if a source changed.
    globalSetup: ['test/helpers/bundle-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: simulator and sandbox tests are CPU-bound, so run files two at a time.
    maxWorkers: 2,
    pool: 'forks',
  },
});
