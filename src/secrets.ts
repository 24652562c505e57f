/**
 * The last line of defence for the API key: everything the CLI prints or stores (terminal,
 * NDJSON, sidecars, run log, review page) goes through a `Redactor` where it leaves the
 * program, never earlier: what a server answers is parsed as it came. Each run has its own
 * (one per `Io`, cli/io.ts; the client's, api/client.ts), so that runs sharing a process
 * mask their own key and nothing of another's. A secret is registered explicitly, once it is
 * known: by the client that sends it, and by the commands before any client exists (their
 * dry runs and start-up messages).
 *
 * Not only the whole key is masked: a server (or a proxy's error page) may quote part of it,
 * so every run of `MASKED_RUN` or more consecutive characters of the key is masked, in each
 * form the key can take in text: as is, URL-encoded (query strings, form bodies) and
 * JSON-escaped. A key's public prefix (`sandbox_`, which our own messages name) is no secret
 * and is not counted. A key shorter than that cannot be masked without masking ordinary text
 * (a key `e` would mask every letter e, `image/png` included): it is not masked, and the CLI
 * says so or refuses it (see cli/commands/api-target.ts).
 */

/** The shortest run of a key's characters that is masked; keys shorter than this are not. */
export const MASKED_RUN = 8;

const MASK = '***';

/** What every key of a kind starts with: published, so not part of the secret. */
const PUBLIC_PREFIX = 'sandbox_';

/** The spellings of `secret` that text may hold. */
function formsOf(secret: string): string[] {
  const forms = [
    secret,
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
    new URLSearchParams({ k: secret }).toString().slice(2),
  ];
  return [...new Set(forms)].filter((form) => form !== '');
}

function secretPart(key: string): string {
  return key.startsWith(PUBLIC_PREFIX) ? key.slice(PUBLIC_PREFIX.length) : key;
}

/** How many of the key's characters are secret: all but a public `sandbox_` prefix. */
export function secretLength(key: string): number {
  return secretPart(key).length;
}

/** Whether `secret` is long enough to be masked (see MASKED_RUN). */
export function isMaskable(secret: string): boolean {
  return secretPart(secret).length >= MASKED_RUN;
}

function runsOf(form: string): string[] {
  return Array.from({ length: form.length - MASKED_RUN + 1 }, (_, start) => form.slice(start, start + MASKED_RUN));
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** The secrets of one run, and the masking of them. */
export class Redactor {
  /** Every run of MASKED_RUN characters of every form of every registered secret. */
  private fragments = new Set<string>();
  /** Finds, at each position, whether a fragment starts there (a lookahead, so overlapping runs are all found). */
  private fragmentFinder: RegExp | null = null;

  /** Masks `secret` from now on in everything this redactor redacts; a secret too short to mask is ignored (see isMaskable). */
  register(secret: string): void {
    if (!isMaskable(secret)) return;
    this.fragments = new Set([...this.fragments, ...formsOf(secretPart(secret)).flatMap(runsOf)]);
    this.fragmentFinder = new RegExp(`(?=(${[...this.fragments].map(escapeRegExp).join('|')}))`, 'g');
  }

  /**
   * `text` with every run of a registered secret's characters replaced by `***`; overlapping or
   * touching runs become one mask. A bound function: the output streams take it as their transform.
   */
  readonly redact = (text: string): string => {
    if (this.fragmentFinder === null) return text;
    const masked: [number, number][] = [];
    for (const match of text.matchAll(this.fragmentFinder)) {
      const start = match.index;
      const end = start + MASKED_RUN;
      const last = masked.at(-1);
      if (last && start <= last[1]) last[1] = Math.max(last[1], end);
      else masked.push([start, end]);
    }
    if (masked.length === 0) return text;
    let result = '';
    let from = 0;
    for (const [start, end] of masked) {
      result += `${text.slice(from, start)}${MASK}`;
      from = end;
    }
    return result + text.slice(from);
  };
}
