/** Quoting for the completion scripts: every word they hold comes from the program's own tables. */

/** One word for bash and zsh: single-quoted, a `'` inside closed, escaped and reopened. */
export function shellWord(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** One word for fish: single-quoted, where `\` and `'` take a backslash. */
export function fishWord(text: string): string {
  return `'${text.replace(/[\\']/g, (char) => `\\${char}`)}'`;
}

/** A description on one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
