import { defineConfig } from 'vitest/config';
import UnitFirstLongestFirst from './test/support/sequencer.js';

export default defineConfig({
  test: {
    // One count for the pool all three projects share (vitest wants one for projects that
    // run together). End-to-end and contract files wait on spawned CLIs, loopback servers and
    // Prism part of the time; with four files at once on 2 cores, another file's work fills
    // those waits (six ran no faster: the suite is then bound by CPU).
    maxWorkers: 4,
    // Unit's files first, e2e's last, each project's longest first: no long file starts last.
    sequence: { sequencer: UnitFirstLongestFirst },
    // End-to-end tests spawn the built CLI and a loopback server; give them room on 2 cores.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // As cli/io.ts sets it for the CLI: the AWS SDK's note that it will need Node 22 from 2027.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Each project runs it (a root config's globalSetup is not the projects'); the first makes the run's temporary root.
    globalSetup: ['test/support/temp-root.setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          exclude: ['test/unit/**/*.isolated.test.ts'],
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
          // A unit file that replaces a module (vi.mock) needs a module graph of its own: in the
          // shared one, the module may be loaded already, unmocked, or the mock would leak.
          name: 'unit-isolated',
          include: ['test/unit/**/*.isolated.test.ts'],
          pool: 'threads',
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // Child processes, each running file after file in one module graph: a process per
          // file cost about 12 s of CPU of 74 for this project (start-up and imports, measured
          // on 2 cores). So an e2e file closes what it starts (servers, children, browsers) and
          // leaves no process state behind: its CLI runs in-process record signals, not install them.
          pool: 'forks',
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'contract',
          include: ['test/contract/**/*.test.ts'],
          pool: 'forks',
          // One module graph for the contract files too (the OpenAPI documents parsed once per
          // worker): 4 s of CPU of 18.6 saved.
          isolate: false,
          // One Prism per contract for all the contract files, started only when one runs.
          globalSetup: ['test/support/temp-root.setup.ts', 'test/contract/prisms.setup.ts'],
        },
      },
    ],
  },
});
