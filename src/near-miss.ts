/**
 * Suggestions for a near miss ("did you mean white?"): of parameter values, config keys,
 * presets, flags and commands. A module of its own so that a usage error loads no parameter
 * rules.
 */

/**
 * Edit distance, for suggestions: how many letters to change, add or drop, or pairs of
 * neighbours to swap (`whiet` is one from `white`, two from `wheat`).
 */
function distance(a: string, b: string): number {
  // The table's rows for a's first i - 2, i - 1 and i letters.
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        current[j] = Math.min(current[j] ?? 0, (beforePrevious[j - 2] ?? 0) + 1);
    }
    [beforePrevious, previous] = [previous, current];
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate a text is a near miss of (a typo of up to two letters, or a mode without its
 * `ai.` prefix: `soft` for `ai.soft`), if any; never the text itself, which was refused.
 */
export function nearest(text: string, candidates: readonly string[]): string | undefined {
  const typed = text.trim().toLowerCase();
  const prefixed = candidates.find((candidate) => candidate.toLowerCase().endsWith(`.${typed}`));
  if (prefixed && typed !== '') return prefixed;
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    if (candidate === text.trim()) continue;
    const d = distance(typed, candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return typed.length > 2 ? best : undefined;
}

/** `; did you mean "white"?` for a near miss (see nearest), else nothing. */
export function didYouMean(text: string, candidates: readonly string[]): string {
  const match = nearest(text, candidates);
  return match === undefined ? '' : `; did you mean ${JSON.stringify(match)}?`;
}
