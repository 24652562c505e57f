/**
 * The last line of defence for the API key: everything the CLI prints or stores (terminal,
 * NDJSON, sidecars, run log) goes through `redact`, which masks every registered secret in
 * each form it can take in text: as is, URL-encoded (query strings, form bodies) and
 * JSON-escaped. A secret is registered explicitly, once it is known (see cli/commands).
 */
/** Every form of every registered secret, longest first so that a form holding another is masked whole. */
let secretForms: string[] = [];

const MASK = '***';

/** The spellings of `secret` that text may hold. */
export function formsOf(secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), new URLSearchParams({ k: secret }).toString().slice(2)];
  return [...new Set(forms)].filter((form) => form !== '');
}

export function registerSecret(secret: string): void {
  secretForms = [...new Set([...secretForms, ...formsOf(secret)])].sort(longestFirst);
}

function longestFirst(a: string, b: string): number {
  return b.length - a.length;
}

function mask(text: string, forms: readonly string[]): string {
  return forms.reduce((result, form) => result.replaceAll(form, MASK), text);
}

/** `text` with every form of every registered secret replaced by `***`. */
export function redact(text: string): string {
  return mask(text, secretForms);
}

/** A masker for one secret, for code that holds the key itself (the client scrubbing answers). */
export function scrubberFor(secret: string): (text: string) => string {
  const forms = formsOf(secret).sort(longestFirst);
  return (text) => mask(text, forms);
}

/** The same stream (TTY methods, events and all) with redacted writes. */
export function redacting<T extends NodeJS.WritableStream>(stream: T): T {
  return new Proxy(stream, {
    get(target, property) {
      if (property === 'write') {
        return (chunk: unknown, ...rest: unknown[]) =>
          (target.write as (...args: unknown[]) => boolean)(typeof chunk === 'string' ? redact(chunk) : chunk, ...rest);
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
