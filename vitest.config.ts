import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One worker pool for both projects (vitest requires one count for projects that run
    // together): unit files are CPU, end-to-end and contract files mostly wait (spawned CLIs,
    // loopback servers, Prism), so on 2 cores several files at once overlap those waits.
    maxWorkers: 4,
    // End-to-end tests spawn the built CLI and a loopback server; give them room on 2 cores.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Worker threads, one module graph for all unit files: each file importing the
          // source, sharp and fast-check afresh cost about a third of the unit tests' CPU.
          // So a unit test leaves no global behind (fake timers restored, no process state).
          pool: 'threads',
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/contract/**/*.test.ts'],
          // A process per file: whatever a file leaves running (a server, a child) ends with it.
          pool: 'forks',
          // One Prism per contract for every contract file (see the file).
          globalSetup: ['test/contract/prisms.setup.ts'],
        },
      },
    ],
  },
});
