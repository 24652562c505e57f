import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Most of the suite's time is waiting (spawned CLIs, loopback servers, Prism), not CPU:
    // four files at once overlap those waits on 2 cores (about 80 s instead of 200 s idle,
    // 105 s with another process keeping a core busy). Vitest's default here would be one.
    maxWorkers: 4,
    // End-to-end tests spawn the built CLI and a loopback server; give them room on 2 cores.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
