/**
 * The subject's box from its pixels' counts per row and per column, robust to specks of
 * noise: only lines with enough subject pixels count, and only in runs long enough.
 */
export interface SubjectBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * A row (column) counts toward the subject's box only when at least this many of its pixels
 * per 1000 of its length are subject pixels, and never fewer than `MIN_LINE_COUNT`: isolated
 * specks of noise don't stretch the box, a thin tall product still counts.
 */
export const LINE_COUNT_PER_MILLE = 1;

/** The least number of subject pixels a row or column needs to bound the box. */
export const MIN_LINE_COUNT = 2;

/**
 * Counted lines bound the box only in runs of at least this many consecutive lines per 1000
 * of the dimension they cross (8 on 2000 px), and never fewer than `MIN_RUN`. Specks scattered
 * at random share a row or a column now and then (300 on 2000×2000: about 20 rows hold two),
 * and a JPEG smears each into a blob 2–4 px across; a product's lines come in one long run.
 */
export const RUN_PER_MILLE = 4;

/** The shortest run of counted lines that bounds the box. */
export const MIN_RUN = 2;

/** The least count a line of `length` pixels needs to bound the box. */
function minimumLineCount(length: number): number {
  return Math.max(MIN_LINE_COUNT, Math.round((LINE_COUNT_PER_MILLE * length) / 1000));
}

/** The fewest consecutive counted lines that bound the box, across a dimension of `length` pixels. */
function minimumRun(length: number): number {
  return Math.max(MIN_RUN, Math.round((RUN_PER_MILLE * length) / 1000));
}

/**
 * From the first to the last row (column) with enough subject pixels, counting only runs of
 * such lines long enough; null when there is none.
 */
export function robustBox(
  rowCounts: Uint32Array,
  columnCounts: Uint32Array,
  width: number,
  height: number,
): SubjectBox | null {
  const rows = countedSpan(rowCounts, minimumLineCount(width), minimumRun(height));
  const columns = countedSpan(columnCounts, minimumLineCount(height), minimumRun(width));
  if (!rows || !columns) return null;
  return {
    left: columns.first,
    top: rows.first,
    width: columns.last - columns.first + 1,
    height: rows.last - rows.first + 1,
  };
}

/** The first line of the first run of at least `run` lines counting `least` or more, and the last line of the last. */
function countedSpan(counts: Uint32Array, least: number, run: number): { first: number; last: number } | null {
  let first = -1;
  let last = -1;
  let runStart = -1;
  for (let line = 0; line <= counts.length; line++) {
    if (line < counts.length && counts[line]! >= least) {
      if (runStart < 0) runStart = line;
      continue;
    }
    if (runStart >= 0 && line - runStart >= run) {
      if (first < 0) first = runStart;
      last = line - 1;
    }
    runStart = -1;
  }
  return first < 0 ? null : { first, last };
}
