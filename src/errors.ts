/** Exit codes, as documented in the README. */
export const EXIT = {
  ok: 0,
  someInputsFailed: 1,
  usage: 2,
  apiRefusedRun: 3,
  /** The user said no at the confirmation prompt: nothing was sent. */
  cancelled: 4,
  /** Every image was read (or every call succeeded) but some would be refused by the preset's marketplace. */
  wouldBeRefused: 5,
  /** 128 + SIGINT, as shells report a run stopped by Ctrl-C. */
  interrupted: 130,
} as const;

/**
 * A mistake in what the user asked for (flags, config, inputs): printed as its message
 * lines, no stack trace, exit 2, nothing sent.
 */
export class UserError extends Error {
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('\n'));
    this.name = 'UserError';
    this.problems = list;
  }
}

/**
 * A start-up check that failed: no API key, a port taken, an output folder that cannot take
 * files, a server's flags that cannot be read. Said in one line each that says what to do;
 * exit 2, nothing sent.
 */
export class StartUpError extends UserError {
  constructor(problems: string | readonly string[]) {
    super(problems);
    this.name = 'StartUpError';
  }
}

/** The text `value` holds under `key`, when it is an object holding a text there: a field of a thrown value or of JSON. */
export function textField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field: unknown = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}

/** The code of a system error (`ENOSPC`, `EACCES`...), or undefined for anything else. */
export function errorCode(error: unknown): string | undefined {
  return textField(error, 'code');
}

/** Codes that say the output disk cannot take any more files: every later result would be lost too. */
const DISK_REFUSALS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM']);

const CODE_MEANING: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENAMETOOLONG: 'file name too long',
  EISDIR: 'a folder is in the way',
  ENOTDIR: 'a file is in the way of a folder',
  ELOOP: 'a symbolic link is in the way',
  ENOENT: 'no such file or folder',
  EIO: 'input/output error',
  EBADF: 'bad file descriptor',
};

/** `no space left on the device (ENOSPC)`: what a failed file-system call means. */
export function faultReason(error: unknown): string {
  const code = errorCode(error);
  const meaning = (code && CODE_MEANING[code]) ?? (error instanceof Error ? error.message : String(error));
  return `${meaning}${code ? ` (${code})` : ''}`;
}

/**
 * A fault on this machine (the output disk, an input that changed while it was sent): not
 * the network's, so never retried. `stopsRun` when no later result could be written either.
 */
export class LocalFault extends Error {
  readonly code: string | undefined;
  readonly stopsRun: boolean;

  constructor(message: string, options: { code?: string | undefined; stopsRun?: boolean } = {}) {
    super(message);
    this.name = 'LocalFault';
    this.code = options.code;
    this.stopsRun = options.stopsRun ?? false;
  }
}

/** `cannot write out/a.png: no space left on the device (ENOSPC)` from a failed file-system call. */
export function writeFault(error: unknown, file: string): LocalFault {
  if (error instanceof LocalFault) return error;
  const code = errorCode(error);
  return new LocalFault(`cannot write ${file}: ${faultReason(error)}`, {
    code,
    stopsRun: code !== undefined && DISK_REFUSALS.has(code),
  });
}
