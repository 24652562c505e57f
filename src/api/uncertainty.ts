/**
 * `x-uncertainty-score`: how unsure the API is of its cutout, from 0 (sure) to 1, or -1 when
 * it saw people in the image (the score then says nothing about the cutout).
 */
import { readNumber } from '../params/values.js';

export const UNCERTAINTY_HEADER = 'x-uncertainty-score';

/** The score that means "people are present", not a degree of certainty. */
export const PEOPLE_PRESENT = -1;

/** The score an answer's headers carry, when it reads as a finite decimal number. */
export function uncertaintyOf(headers: Readonly<Record<string, string>> | undefined): number | undefined {
  const text = headers?.[UNCERTAINTY_HEADER];
  return text === undefined ? undefined : (readNumber(text) ?? undefined);
}
