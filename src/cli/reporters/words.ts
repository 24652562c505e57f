/** Words the reporters share: a counted noun, a status label. */

export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** Status words padded to one width so inputs line up: `ok      a.jpg`, `failed  b.jpg`. */
export function label(word: string, paint: (text: string) => string): string {
  return `${paint(word)}${' '.repeat(Math.max(1, 8 - word.length))}`;
}
