/** Exit codes, as documented in the README. */
export const EXIT = {
  ok: 0,
  someInputsFailed: 1,
  usage: 2,
  apiRefusedRun: 3,
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
