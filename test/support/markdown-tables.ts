/**
 * GitHub-flavoured Markdown's tables read by hand, for lack of a Markdown parser among the
 * project's dependencies: a table is a header row, a delimiter row (`| --- | ---: |`) and
 * its body rows; cells are split on each `|` that no backslash escapes. A cell's text is
 * what a reader sees: backslash escapes of punctuation and the entities `&amp;`, `&lt;`,
 * `&gt;` undone, `<br>` a line break. `inlineSyntax` names what would not show as written:
 * an unescaped character that starts emphasis, code, a link, strikethrough or math, or an
 * HTML tag other than `<br>`.
 */
export interface MarkdownTable {
  head: string[];
  rows: string[][];
  /** The body rows' cells as written, in Markdown. */
  markdown: string[][];
  /** Each row's cell count, the header's and delimiter's included: all equal in a well-formed table. */
  widths: number[];
}

function rawCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  for (let index = 1; index < line.length; index += 1) {
    const char = line[index]!;
    if (char === '\\' && index + 1 < line.length) {
      cell += char + line[++index]!;
    } else if (char === '|') {
      cells.push(cell.trim());
      cell = '';
    } else cell += char;
  }
  if (cell.trim() !== '') cells.push(cell.trim());
  return cells;
}

/** Unescaped characters in a cell's Markdown that would not show as themselves. */
export function inlineSyntax(cell: string): string[] {
  const found: string[] = [];
  const withoutEscapes = cell.replace(/\\[!-/:-@[-`{-~]/g, '');
  for (const match of withoutEscapes.matchAll(/[`*_[\]~$]|<(?!br>)[^>]*>?/g)) found.push(match[0]);
  return found;
}

export function literalText(cell: string): string {
  return cell
    .replace(/<br>/g, '\n')
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/&(amp|lt|gt);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>' })[name]!);
}

export function markdownTables(markdown: string): MarkdownTable[] {
  const lines = markdown.split('\n');
  const tables: MarkdownTable[] = [];
  for (let index = 0; index + 1 < lines.length; index += 1) {
    if (!lines[index]!.startsWith('|') || !/^\|( *:?-+:? *\|)+$/.test(lines[index + 1]!)) continue;
    const block: string[] = [];
    for (let end = index; end < lines.length && lines[end]!.startsWith('|'); end += 1) block.push(lines[end]!);
    const [head, delimiter, ...rows] = block.map(rawCells);
    tables.push({
      head: head!.map(literalText),
      rows: rows.map((row) => row.map(literalText)),
      markdown: rows,
      widths: [head!, delimiter!, ...rows].map((row) => row.length),
    });
    index += block.length - 1;
  }
  return tables;
}
