/**
 * Vitest globalSetup: one temporary root per test run, removed when the run ends. Every
 * worker, and every CLI a test spawns, inherits it as TMPDIR, so the folders tests make with
 * os.tmpdir() (and the CLI's own temporary files) land in it and never pile up in /tmp.
 * Each project names this file; the first to start makes the root, the others find it.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
    try {
      rmSync(root, { recursive: true, force: true });
    } catch {
      // A test leaves folders of mode 000 behind (unreadable inputs): root removes them as they
      // are, another user once their modes let their owner in again.
      letOwnerIn(root);
      rmSync(root, { recursive: true, force: true });
    }
    delete process.env[OWNED];
  };
}

function letOwnerIn(folder: string): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const inner = path.join(folder, entry.name);
    chmodSync(inner, 0o700);
    letOwnerIn(inner);
  }
}
