/**
 * The last line of defence for the API key: every byte the CLI prints goes through the
 * redactor, which replaces a registered key (and its URL-encoded form) with `***`.
 */
const secrets = new Set<string>();

/** Shorter strings would mangle ordinary text; real keys are far longer. */
const MIN_SECRET_LENGTH = 8;
const MASK = '***';

export function registerSecret(secret: string): void {
  if (secret.length < MIN_SECRET_LENGTH) return;
  secrets.add(secret);
  secrets.add(encodeURIComponent(secret));
}

export function redact(text: string): string {
  let result = text;
  for (const secret of secrets) result = result.replaceAll(secret, MASK);
  return result;
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
