/**
 * Content negotiation for /v1/segment, which answers either the image or JSON
 * `{"base64img": ...}`: JSON only when the client's Accept header strictly prefers it.
 */

interface MediaRange {
  type: string;
  subtype: string;
  quality: number;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [range = '', ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const [type, subtype] = range.split('/');
    if (!type || !subtype) continue;
    let quality = 1;
    for (const parameter of parameters) {
      const [name, value] = parameter.split('=').map((piece) => piece.trim());
      if (name !== 'q') continue;
      const parsed = Number(value);
      quality = Number.isFinite(parsed) ? Math.min(1, Math.max(0, parsed)) : 0;
    }
    ranges.push({ type, subtype, quality });
  }
  return ranges;
}

/** The quality the client gives `mediaType`: its most specific matching range's (RFC 9110, 12.5.1); 0 if none. */
function qualityOf(header: string, mediaType: string): number {
  const [type, subtype] = mediaType.toLowerCase().split('/');
  let best: { specificity: number; quality: number } = { specificity: -1, quality: 0 };
  for (const range of parseAccept(header)) {
    const typeMatches = range.type === '*' || range.type === type;
    const subtypeMatches = range.subtype === '*' || range.subtype === subtype;
    if (!typeMatches || !subtypeMatches) continue;
    const specificity = (range.type === '*' ? 0 : 1) + (range.subtype === '*' ? 0 : 1);
    if (specificity > best.specificity) best = { specificity, quality: range.quality };
  }
  return best.quality;
}

/** True when the client strictly prefers JSON to the image type it would get; a tie or no Accept takes the image. */
export function prefersJson(accept: string | undefined, imageType: string): boolean {
  return qualityOf(accept ?? '', 'application/json') > qualityOf(accept ?? '', imageType);
}
