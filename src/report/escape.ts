/**
 * Escaping for the two places a report puts text from outside (file names, header values
 * from a server): HTML text and attributes, and the JSON data inside a <script> element.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe as element content and as a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/**
 * JSON that cannot end its <script> element or open a comment inside it (`</script>`,
 * `<!--`): `<`, `>` and `&` become \u escapes, which JSON.parse reads back as they were.
 * U+2028 and U+2029 too, for older parsers that take them as line ends.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
