import { describe, expect, it } from 'vitest';
import { checkNameTemplate, OutputNamer } from '../../src/batch/output-names.js';
import { nameFromUrl } from '../../src/inputs/urls.js';

describe('output paths', () => {
  it('mirrors the input path under the output folder with the output extension', () => {
    const namer = new OutputNamer('/out', 'png');
    expect(namer.claim('shoes/Été 2024/chaise longue.jpg')).toEqual({ path: '/out/shoes/Été 2024/chaise longue.png' });
    expect(namer.claim('mug.webp')).toEqual({ path: '/out/mug.png' });
  });

  it('gives a same-basename twin a distinct, deterministic name', () => {
    const namer = new OutputNamer('/out', 'png');
    expect(namer.claim('twin.jpg')).toEqual({ path: '/out/twin.png' });
    expect(namer.claim('twin.png')).toEqual({ path: '/out/twin-png.png', collidedWith: '/out/twin.png' });
    expect(namer.claim('TWIN.PNG')).toEqual({ path: '/out/TWIN-png-2.png', collidedWith: '/out/TWIN.png' });
    const again = new OutputNamer('/out', 'png');
    expect([again.claim('twin.jpg').path, again.claim('twin.png').path]).toEqual([
      '/out/twin.png',
      '/out/twin-png.png',
    ]);
  });

  it('leaves an output reserved for the input that made it, whatever comes first', () => {
    const reserved = new Map([['/out/twin.png', 'products/twin.png']]);
    const namer = new OutputNamer('/out', 'png', undefined, reserved);
    expect(namer.claim('twin.jpg', 'products/twin.jpg')).toEqual({
      path: '/out/twin-jpg.png',
      collidedWith: '/out/twin.png',
    });
    expect(namer.claim('twin.png', 'products/twin.png')).toEqual({ path: '/out/twin.png' });
    // Reserved names are compared as a case-insensitive file system would.
    expect(new OutputNamer('/out', 'png', undefined, reserved).claim('TWIN.gif', 'products/TWIN.gif').path).toBe(
      '/out/TWIN-gif.png',
    );
  });

  it('follows a --name template', () => {
    const namer = new OutputNamer('/out', 'webp', '{name}-{srcext}.{ext}');
    expect(namer.claim('a/b/shoe.jpg')).toEqual({ path: '/out/shoe-jpg.webp' });
    expect(new OutputNamer('/out', 'png', 'flat/{dir}_{name}.{ext}').claim('a/shoe.jpg').path).toBe(
      '/out/flat/a_shoe.png',
    );
  });

  it('never leaves the output folder', () => {
    const namer = new OutputNamer('/out', 'png', '../{dir}/{name}.{ext}');
    expect(namer.claim('../../etc/passwd.jpg').path).toBe('/out/etc/passwd.png');
  });

  it('refuses templates with unknown placeholders or without {name}', () => {
    expect(() => checkNameTemplate('{dir}/{stem}.{ext}')).toThrow('unknown placeholder {stem}');
    expect(() => checkNameTemplate('{dir}/out.{ext}')).toThrow(
      "must contain {name}, or every input would write the same file; for example --name '{dir}/{name}-white.{ext}'",
    );
    expect(() => checkNameTemplate('{dir}/{name}.{ext}')).not.toThrow();
  });
});

describe('names from URLs', () => {
  it('keeps a safe last segment', () => {
    expect(nameFromUrl('https://cdn.test/p/Red%20Mug.png?w=1')).toBe('Red_Mug');
    expect(nameFromUrl('https://x.test/')).toBe('image');
    expect(nameFromUrl('https://x.test/a%2F..%2Fb.png')).toBe('b');
    expect(nameFromUrl('https://x.test/%E0%A4%A.png')).toBe('E0_A4_A');
    expect(nameFromUrl('https://x.test/..%2F..%2Fetc%2Fpasswd')).toBe('passwd');
  });
});
