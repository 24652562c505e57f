/**
 * The run log: one JSON line per input per run, appended to `photoroom-run.jsonl` in the
 * output folder, so a folder's history survives its runs.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';

export const RUN_LOG_NAME = 'photoroom-run.jsonl';

export interface RunLog {
  /** Resolves at once, or when the file has caught up if lines are piling up in memory. */
  append(record: object): Promise<void>;
  close(): Promise<void>;
}

export async function openRunLog(outDir: string): Promise<RunLog> {
  await mkdir(outDir, { recursive: true });
  // O_APPEND: each line lands whole at the end, even with two runs on one folder.
  const stream: WriteStream = createWriteStream(path.join(outDir, RUN_LOG_NAME), { flags: 'a' });
  return {
    async append(record) {
      if (!stream.write(`${JSON.stringify(record)}\n`)) await once(stream, 'drain');
    },
    close: () => new Promise((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve()))),
  };
}
