import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests spawn the built CLI and a loopback server; give them room on 2 cores.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
