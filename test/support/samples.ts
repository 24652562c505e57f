/** Sample values for each parameter row: ones the API accepts and ones it refuses. */
import fc from 'fast-check';
import type { ParamSpec } from '../../src/params/types.js';
import type { ValueRule } from '../../src/params/values.js';

/** RFC 3986's `pchar` but for percent-encoded bytes: unreserved characters, sub-delims, ':' and '@'. */
const PCHAR = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~', ..."!$&'()*+,;=", ':', '@'];

/** A path segment: `pchar`s and percent-encoded bytes. */
const pathSegment = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...PCHAR) },
      {
        weight: 1,
        arbitrary: fc
          .integer({ min: 0, max: 255 })
          .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`),
      },
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

/**
 * http(s) URLs as fc.webUrl draws them by default: fast-check's authority, then a path of
 * RFC 3986's characters. Not fc.webUrl itself: its path arbitrary takes over a second of CPU
 * to build, in every worker that draws one (some 10 s of the suite's CPU).
 */
const webUrl = fc
  .tuple(fc.constantFrom('https', 'http'), fc.webAuthority(), fc.array(pathSegment, { maxLength: 4 }))
  .map(
    ([scheme, authority, segments]) => `${scheme}://${authority}${segments.map((segment) => `/${segment}`).join('')}`,
  );

/** Values a parameter of this row (or a layer field) must accept, as a user would type them. */
export function validText(spec: ValueRule): fc.Arbitrary<string> {
  switch (spec.kind) {
    case 'enum':
      return fc.constantFrom(...(spec.enum ?? []));
    case 'boolean':
      return fc.constantFrom('true', 'false', 'TRUE', 'False', 'yes', 'no', '1', '0', 'on', 'OFF');
    case 'number': {
      const min = spec.exclusiveMinimum ?? spec.minimum ?? -1e6;
      const max = spec.maximum ?? 1e6;
      return fc
        .double({ min, max, noNaN: true, noDefaultInfinity: true })
        .filter((n) => spec.exclusiveMinimum === undefined || n > spec.exclusiveMinimum)
        .map((n) => String(n))
        .filter((text) => !text.includes('e'));
    }
    case 'pixels':
      return fc.integer({ min: 1, max: 10000 }).map(String);
    case 'length':
      return fc.oneof(
        fc.integer({ min: 0, max: 49 }).map((n) => `${n / 100}`),
        fc.integer({ min: 0, max: 49 }).map((n) => `${n}%`),
        fc.integer({ min: 0, max: 5000 }).map((n) => `${n}px`),
      );
    case 'color':
      return spec.colorStyle === 'hash'
        ? fc.oneof(fc.constantFrom('white', 'red', 'rebeccapurple'), fc.stringMatching(/^#[0-9a-fA-F]{6}$/))
        : fc.oneof(fc.constantFrom('white', 'transparent'), fc.stringMatching(/^#?[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/));
    case 'outputSize':
      return fc.oneof(
        fc.constantFrom('auto', 'originalImage', 'croppedSubject'),
        fc.tuple(fc.integer({ min: 1, max: 8000 }), fc.integer({ min: 1, max: 8000 })).map(([w, h]) => `${w}x${h}`),
      );
    case 'uuid':
      return fc.uuid();
    case 'url':
      return webUrl;
    case 'file':
      return fc.constant('fixtures/products/background.jpg');
    case 'string':
      return fc.string({ minLength: 1 }).filter((text) => text.trim() !== '');
    case 'image':
    case 'layers':
      return fc.constant('');
    case 'numberOrPreset':
      return fc.oneof(fc.constantFrom(...(spec.enum ?? [])), fc.integer({ min: 0, max: 359 }).map(String));
    case 'urlList': {
      const url = webUrl.filter((text) => !text.includes(','));
      return fc
        .array(url, { minLength: spec.minItems ?? 1, maxLength: spec.maxItems ?? 4 })
        .map((urls) => urls.join(','));
    }
  }
}

/** Values it must refuse. */
export function invalidText(spec: ParamSpec): fc.Arbitrary<string> | null {
  switch (spec.kind) {
    case 'enum':
      return fc
        .string({ minLength: 1 })
        .filter((text) => !spec.enum?.some((c) => c.toLowerCase() === text.trim().toLowerCase()));
    case 'boolean':
      return fc.constantFrom('maybe', 'y', 'n', '2', 'tru', 'constructor');
    case 'number':
      return fc.oneof(
        fc.constantFrom('abc', '1,5', 'NaN', '0x10', '--1', '1e309', '-1e309', 'Infinity'),
        ...(spec.maximum !== undefined
          ? [fc.double({ min: spec.maximum + 1e-6, max: 1e9, noNaN: true }).map(String)]
          : []),
        ...(spec.minimum !== undefined
          ? [fc.double({ min: -1e9, max: spec.minimum - 1e-6, noNaN: true }).map(String)]
          : []),
        ...(spec.exclusiveMinimum !== undefined ? [fc.constant(String(spec.exclusiveMinimum))] : []),
      );
    case 'pixels':
      return fc.constantFrom('0', '-5', '10.5', 'wide', '1e309', '9007199254740993');
    case 'length':
      return fc.constantFrom('0.5', '50%', '-1', '10 px', '12em', '1.2px', 'half', '1e309', '99999999999999999999px');
    case 'color':
      return fc.constantFrom(
        'notacolour',
        '#12345',
        'GG0000',
        '#1234567',
        ...(spec.colorStyle === 'hash' ? ['#FF000080'] : []),
      );
    case 'outputSize':
      return fc.constantFrom('big', '0x100', '100x', 'x100', 'original', '100 x 200');
    case 'uuid':
      return fc.constantFrom('1234', 'not-a-uuid', '123e4567-e89b-12d3-a456-42661417400');
    case 'url':
      return fc.constantFrom('not a url', 'ftp://example.com/a.png', 'file:///etc/passwd', 'example.com/a.png');
    case 'numberOrPreset':
      return fc.constantFrom('sideways', '90deg', 'NaN', 'abc');
    case 'urlList':
      return fc.constantFrom(
        'not a url',
        'https://a.example/1.jpg,',
        'https://a.example/1.jpg,ftp://b.example/2.jpg',
        'https://a.example/1.jpg,https://a.example/2.jpg,https://a.example/3.jpg,https://a.example/4.jpg,https://a.example/5.jpg',
      );
    default:
      return null;
  }
}
