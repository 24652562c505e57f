/** Text for people at a terminal: paragraphs wrapped to its width, tables whose cells wrap. */

/** Greedy word wrap of one line of prose; a word longer than the width keeps a line of its own. */
export function wrapLine(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}

/**
 * Help text: runs of lines that start at the margin are prose, joined and wrapped to the
 * width; indented lines (examples, lists) are kept as written; blank lines stay.
 */
export function wrapProse(text: string, width: number): string {
  const out: string[] = [];
  let prose: string[] = [];
  const flush = () => {
    if (prose.length > 0) out.push(...wrapLine(prose.join(' '), width));
    prose = [];
  };
  for (const line of text.split('\n')) {
    if (line.trim() !== '' && !/^\s/.test(line)) {
      prose.push(line);
      continue;
    }
    flush();
    out.push(line);
  }
  flush();
  return out.join('\n');
}

export interface Column {
  title: string;
  /** The widest this column may get; the last column takes what the others leave. */
  max?: number;
}

const GAP = '  ';

/**
 * Rows as aligned columns within `width`: each cell is a list of lines, each wrapped to its
 * column. A first-column cell wider than its column gets lines of its own, the rest of its
 * row starting below them.
 */
export function formatTable(
  columns: readonly Column[],
  rows: readonly (readonly string[][])[],
  width: number,
): string[] {
  const natural = columns.map((column, index) =>
    Math.max(column.title.length, ...rows.flatMap((row) => (row[index] ?? []).map((line) => line.length))),
  );
  const fixed = columns.slice(0, -1).map((column, index) => Math.min(natural[index] ?? 0, column.max ?? Infinity));
  const lastWidth = Math.max(20, width - fixed.reduce((sum, w) => sum + w + GAP.length, 0));
  const widths = [...fixed, lastWidth];
  const render = (cells: readonly string[][]): string[] => {
    const wrapped = cells.map((cell, index) => cell.flatMap((line) => wrapLine(line, widths[index] ?? lastWidth)));
    const [first = [], ...rest] = wrapped;
    const overflow = first.some((line) => line.length > (widths[0] ?? 0)) ? first : [];
    const columnsBelow = overflow.length > 0 ? [[], ...rest] : wrapped;
    const height = Math.max(...columnsBelow.map((cell) => cell.length));
    const lines = Array.from({ length: height }, (_, line) =>
      columnsBelow
        .map((cell, index) => (cell[line] ?? '').padEnd(index < widths.length - 1 ? (widths[index] ?? 0) : 0))
        .join(GAP)
        .trimEnd(),
    );
    return [...overflow, ...lines];
  };
  return [...render(columns.map((column) => [column.title])), ...rows.flatMap(render)];
}
