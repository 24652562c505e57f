/**
 * The run log: one JSON line per input per run, appended to `photoroom-run.jsonl` in the
 * output folder, so a folder's history survives its runs.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

export const RUN_LOG_NAME = 'photoroom-run.jsonl';

export interface RunLog {
  append(record: object): void;
  close(): Promise<void>;
}

export async function openRunLog(outDir: string): Promise<RunLog> {
  await mkdir(outDir, { recursive: true });
  // O_APPEND: each line lands whole at the end, even with two runs on one folder.
  const stream: WriteStream = createWriteStream(path.join(outDir, RUN_LOG_NAME), { flags: 'a' });
  return {
    append(record) {
      stream.write(`${JSON.stringify(record)}\n`);
    },
    close: () => new Promise((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve()))),
  };
}
