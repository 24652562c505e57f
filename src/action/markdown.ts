/**
 * Markdown for the job summary, with text from outside (file names, a server's messages)
 * shown exactly as it is: a name may hold `|` (which would end a table cell), `<b>` (GitHub
 * renders some HTML), backticks, `*`, `$` (math) or a line break (which would end a row).
 */
import { escapeControls } from '../unsafe-text.js';

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * `text` as literal Markdown: control characters and line breaks as visible escapes (as the
 * CLI prints them), `&`, `<` and `>` as entities, and each punctuation mark that Markdown or
 * GitHub's extensions act on (emphasis, code, links, tables, strikethrough, headings, math)
 * after a backslash.
 */
export function markdownText(text: string): string {
  return escapeControls(text).replace(/[&<>]|[\\`*_[\]|~#!$]/g, (char) => HTML_ENTITIES[char] ?? `\\${char}`);
}

/** A table of cells already in Markdown; columns named in `numeric` are aligned right. */
export function markdownTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly string[] = [],
): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((name) => (numeric.includes(name) ? '---:' : '---'))), ...rows.map(line)];
}
