import { createHash } from 'node:crypto';
import { regularFileChunks } from '../regular-file.js';

/** SHA-256 of a regular file, streamed (constant memory whatever the file size); anything else is refused, never opened blocking. */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of regularFileChunks(file, 1024 * 1024)) hash.update(chunk);
  return hash.digest('hex');
}
