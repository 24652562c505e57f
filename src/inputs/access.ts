/** Opening and reading an input file, with file-system errors turned into one-line reasons. */
import type { Stats } from 'node:fs';
import { lstat, type FileHandle } from 'node:fs/promises';
import { errorCode } from '../errors.js';
import { NotARegularFile, openRegularFile } from '../regular-file.js';

/** The reason for a failed file-system call on an input, from its error code. */
export function fileErrorReason(code: string): string {
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'no such file';
    case 'ELOOP':
      return 'symbolic link loop';
    case 'EACCES':
    case 'EPERM':
      return 'cannot read the file (permission denied)';
    case 'ENAMETOOLONG':
      return 'file name too long';
    default:
      return `cannot read the file (${code})`;
  }
}

/** The code of a file-system error; anything else is a bug and is thrown on. */
export function fileSystemCode(error: unknown): string {
  const code = errorCode(error);
  if (code === undefined) throw error;
  return code;
}

/** Why opening an input failed; a link to nothing fails as ENOENT, like a missing file. */
export async function openFailureReason(file: string, error: unknown): Promise<string> {
  const code = fileSystemCode(error);
  if (code === 'ENOENT' && (await isSymbolicLink(file))) return 'broken symbolic link';
  return fileErrorReason(code);
}

/** An input opened as a regular file (the caller closes it), or why it cannot be read. */
export async function openInput(file: string): Promise<{ handle: FileHandle; stats: Stats } | { reason: string }> {
  try {
    return await openRegularFile(file);
  } catch (error) {
    return { reason: error instanceof NotARegularFile ? error.message : await openFailureReason(file, error) };
  }
}

async function isSymbolicLink(file: string): Promise<boolean> {
  try {
    return (await lstat(file)).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The first `length` bytes (fewer if the file shrank since it was measured). */
export async function readHead(handle: FileHandle, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  const { bytesRead } = await handle.read(buffer, 0, length, 0);
  return buffer.subarray(0, bytesRead);
}
