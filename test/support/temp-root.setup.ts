/**
 * Vitest globalSetup: one temporary root per test run, removed when the run ends. Every
 * worker, and every CLI a test spawns, inherits it as TMPDIR, so the folders tests make with
 * os.tmpdir() (and the CLI's own temporary files) land in it and never pile up in /tmp.
 * Each project names this file; the first to start makes the root, the others find it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Set in this (the main) process while the run's root exists. */
const OWNED = 'TEST_TEMP_ROOT';

export default function makeTempRoot(): (() => void) | undefined {
  if (process.env[OWNED]) return undefined;
  const root = mkdtempSync(path.join(tmpdir(), 'photoroom-tests-'));
  process.env[OWNED] = root;
  process.env.TMPDIR = root;
  return () => {
    // A test may leave a folder of mode 000 behind (an unreadable input): rm as root removes it still.
    rmSync(root, { recursive: true, force: true });
    delete process.env[OWNED];
  };
}
