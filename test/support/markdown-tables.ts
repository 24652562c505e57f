/**
 * The job summary's tables as a Markdown renderer reads them: marked (GitHub-flavoured
 * Markdown, tables included), which nobody here wrote. A cell's `text` is what a reader
 * sees (its rendered HTML with tags removed and entities decoded, `<br>` a line break);
 * `markup` names the HTML elements its rendering made other than `<br>`: emphasis, code, a
 * link, strikethrough, raw HTML. A cell that holds a file name verbatim must make none.
 */
import { Lexer, Parser, type Tokens } from 'marked';

export interface MarkdownTable {
  head: string[];
  rows: string[][];
  /** The elements each body cell's rendering made (`em`, `code`, `a`...), row by row. */
  markup: string[][][];
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

function rendered(cell: Tokens.TableCell): string {
  return Parser.parseInline(cell.tokens);
}

function visibleText(html: string): string {
  return html
    .replace(/<br\s*\/?>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name]!);
}

function elements(html: string): string[] {
  return [...html.matchAll(/<([a-z][a-z0-9]*)\b/gi)]
    .map((match) => match[1]!.toLowerCase())
    .filter((tag) => tag !== 'br');
}

export function markdownTables(markdown: string): MarkdownTable[] {
  const tables = new Lexer({ gfm: true })
    .lex(markdown)
    .filter((token): token is Tokens.Table => token.type === 'table');
  return tables.map((table) => ({
    head: table.header.map((cell) => visibleText(rendered(cell))),
    rows: table.rows.map((row) => row.map((cell) => visibleText(rendered(cell)))),
    markup: table.rows.map((row) => row.map((cell) => elements(rendered(cell)))),
  }));
}
