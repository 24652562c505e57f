/**
 * The action's `inputs` and `args` as words, split the way a shell splits a command line but
 * with nothing expanded: whitespace (line breaks included) separates words, single quotes
 * keep everything literally, double quotes keep spaces and take `\"` and `\\`, and a
 * backslash outside quotes keeps the next character. `$HOME`, `*` and backticks stay as they
 * are: globs are the CLI's to expand, and nothing here is ever run by a shell.
 */
import { UserError } from '../errors.js';

export function splitWords(text: string, name: string): string[] {
  const words: string[] = [];
  // null between words; '' once a word has begun, empty quotes included ('' is a word).
  let word: string | null = null;
  let quote: "'" | '"' | null = null;
  const append = (chars: string) => (word = (word ?? '') + chars);
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    const next = text[index + 1];
    if (quote === "'") {
      if (char === "'") quote = null;
      else append(char);
    } else if (quote === '"') {
      if (char === '"') quote = null;
      else if (char === '\\' && (next === '"' || next === '\\')) append(text[++index]!);
      else append(char);
    } else if (/\s/.test(char)) {
      if (word !== null) words.push(word);
      word = null;
    } else if (char === "'" || char === '"') {
      quote = char;
      append('');
    } else if (char === '\\' && next !== undefined) {
      append(text[++index]!);
    } else {
      append(char);
    }
  }
  if (quote !== null) throw new UserError(`the action's ${name} input has a ${quote} that is never closed`);
  if (word !== null) words.push(word);
  return words;
}
