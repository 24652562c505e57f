/**
 * The request headers run options are sent as (the model versions, `pr-*-model-version`), from
 * the rows that name one: what the client sends, and what the parameter rules hold a value
 * tied to one model against (params/rules.ts), before anything is sent.
 */
import type { RequestHeaders } from '../params/rules.js';
import { runOptionRows, type RunOptionKey, type RunSettings } from './options.js';

/** Each header a setting given sends, with its value and where it was given (`--ai-shadows-model-version`). */
export function requestHeaders(run: RunSettings, sources: Partial<Record<RunOptionKey, string>> = {}): RequestHeaders {
  const headers: Record<string, { value: string; source: string }> = {};
  for (const [key, spec] of runOptionRows()) {
    const value = run[key];
    if (spec.header && typeof value === 'string' && value !== '') {
      headers[spec.header] = { value, source: sources[key] ?? spec.flag };
    }
  }
  return headers;
}
