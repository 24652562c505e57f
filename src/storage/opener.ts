/**
 * Object storage opened once per run, on first use: a run that names no `s3://` location
 * never loads the SDK, and one that does shares one client (and its connections).
 */
import type { ObjectStorage } from './storage.js';

export class StorageOpener {
  private opened: Promise<ObjectStorage> | null = null;

  constructor(private readonly open: () => Promise<ObjectStorage>) {}

  get(): Promise<ObjectStorage> {
    return (this.opened ??= this.open());
  }

  /** Closes the client if it was opened (its connections would keep the process alive). */
  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = null;
    if (opened) (await opened.catch(() => null))?.close();
  }
}
