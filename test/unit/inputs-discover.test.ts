import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { discoverInputs, resolveInputs, type DiscoverOptions, type DiscoveryItem } from '../../src/inputs/discover.js';

let cwd: string;

beforeEach(async () => {
  // The real path, so that paths the walk builds and paths the test builds compare equal.
  cwd = await realpath(await mkdtemp(path.join(tmpdir(), 'photoroom-discover-')));
});

afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function files(...names: string[]): Promise<void> {
  for (const name of names) {
    await mkdir(path.dirname(path.join(cwd, name)), { recursive: true });
    await writeFile(path.join(cwd, name), 'x');
  }
}

function options(inputs: string[], more: Partial<DiscoverOptions> = {}): DiscoverOptions {
  return { inputs, skipFolders: [path.join(cwd, 'out')], extensions: ['jpg', 'jpeg', 'png', 'webp'], cwd, ...more };
}

async function discover(inputs: string[], more: Partial<DiscoverOptions> = {}): Promise<DiscoveryItem[]> {
  const items: DiscoveryItem[] = [];
  for await (const item of discoverInputs(options(inputs, more))) items.push(item);
  return items;
}

/** Taken inputs as their `relative`; ignored files as `reason:path-from-cwd`; warnings as text. */
function summary(items: DiscoveryItem[]): string[] {
  return items.map((item) =>
    item.kind === 'ignored'
      ? `${item.reason}:${path.relative(cwd, item.path)}`
      : item.kind === 'warning'
        ? `warning:${item.message}`
        : item.relative,
  );
}

describe('folders', () => {
  it('walks nested folders, with unicode and spaces, giving paths to mirror', async () => {
    await files('products/Été 2024/chaise longue.jpg', 'products/b.png', 'products/a/x.webp');
    const items = await discover(['products']);
    expect(items).toEqual([
      {
        kind: 'file',
        path: path.join(cwd, 'products/a/x.webp'),
        real: path.join(cwd, 'products/a/x.webp'),
        display: 'products/a/x.webp',
        relative: 'a/x.webp',
      },
      {
        kind: 'file',
        path: path.join(cwd, 'products/b.png'),
        real: path.join(cwd, 'products/b.png'),
        display: 'products/b.png',
        relative: 'b.png',
      },
      {
        kind: 'file',
        path: path.join(cwd, 'products/Été 2024/chaise longue.jpg'),
        real: path.join(cwd, 'products/Été 2024/chaise longue.jpg'),
        display: 'products/Été 2024/chaise longue.jpg',
        relative: 'Été 2024/chaise longue.jpg',
      },
    ]);
  });

  it('walks depth first in code point order, whatever the creation order', async () => {
    const names = ['😀.jpg', 'b/1.jpg', 'é.jpg', 'a.jpg', 'Ａ.jpg', 'Z.jpg', 'a/2.jpg', 'a-1.jpg'];
    await files(...names.map((name) => `p/${name}`));
    // `a` sorts before `a-1.jpg` (a prefix), and U+FF21 before U+1F600 (not so in UTF-16 order).
    const expected = ['Z.jpg', 'a/2.jpg', 'a-1.jpg', 'a.jpg', 'b/1.jpg', 'é.jpg', 'Ａ.jpg', '😀.jpg'];
    expect(summary(await discover(['p']))).toEqual(expected);
    expect(summary(await discover(['p']))).toEqual(expected);
  });

  it('shows files outside the working folder by absolute path', async () => {
    await files('elsewhere/a.jpg');
    const items = await discover([path.join(cwd, 'elsewhere')], { cwd: path.join(cwd, 'work') });
    expect(items).toEqual([
      {
        kind: 'file',
        path: path.join(cwd, 'elsewhere/a.jpg'),
        real: path.join(cwd, 'elsewhere/a.jpg'),
        display: path.join(cwd, 'elsewhere/a.jpg'),
        relative: 'a.jpg',
      },
    ]);
  });

  it('leaves out hidden files and folders, non-images and the output folder inside the input', async () => {
    await files(
      'products/a.jpg',
      'products/.DS_Store',
      'products/.cache/x.jpg',
      'products/.cache/y.jpg',
      'products/notes.txt',
      'products/out/old.png',
      'products/out/deep/z.png',
      'products/sub/b.jpeg',
    );
    const items = await discover(['products'], { skipFolders: [path.join(cwd, 'products/out')] });
    expect(summary(items)).toEqual([
      'hidden:products/.DS_Store',
      'hidden:products/.cache', // the folder, once, not walked
      'a.jpg',
      'not-an-image:products/notes.txt',
      'output-folder:products/out', // the folder, once, not walked
      'sub/b.jpeg',
    ]);
  });

  it('walks a folder that is itself inside the output folder when asked to', async () => {
    await files('products/a.jpg');
    expect(summary(await discover(['products'], { skipFolders: [cwd] }))).toEqual(['a.jpg']);
  });

  it('takes extensions in any case', async () => {
    await files('p/A.JPG', 'p/b.Png', 'p/c.gif', 'p/d.WebP', 'p/jpg');
    expect(summary(await discover(['p']))).toEqual([
      'A.JPG',
      'b.Png',
      'not-an-image:p/c.gif',
      'd.WebP',
      'not-an-image:p/jpg',
    ]);
  });

  it('applies include and exclude patterns to the path under the input root', async () => {
    await files('p/shoes/a.jpg', 'p/shoes/a.tmp.jpg', 'p/bags/b.jpg', 'p/c.jpg');
    const items = await discover(['p'], { include: ['shoes/**', 'c.*'], exclude: ['*.tmp.jpg'] });
    expect(summary(items)).toEqual(['excluded:p/bags/b.jpg', 'c.jpg', 'shoes/a.jpg', 'excluded:p/shoes/a.tmp.jpg']);
  });

  it('reports a symbolic link loop once and walks on', async () => {
    await files('p/a.jpg', 'p/sub/b.jpg');
    await symlink('..', path.join(cwd, 'p/sub/loop'));
    expect(summary(await discover(['p']))).toEqual([
      'a.jpg',
      'sub/b.jpg',
      'warning:p/sub/loop: symbolic link loop back to p, not followed',
    ]);
  });

  it('follows symbolic links to files and folders', async () => {
    await files('p/a.jpg', 'elsewhere/b.jpg');
    await symlink(path.join(cwd, 'elsewhere'), path.join(cwd, 'p/linked'));
    await symlink(path.join(cwd, 'elsewhere/b.jpg'), path.join(cwd, 'p/z.jpg'));
    // p/z.jpg is the same file as p/linked/b.jpg: taken once, first come, and the other path said.
    expect(summary(await discover(['p']))).toEqual(['a.jpg', 'linked/b.jpg', 'same-file:p/z.jpg']);
  });

  it('yields a broken symbolic link as a file, for a later stage to report', async () => {
    await files('p/a.jpg');
    await symlink(path.join(cwd, 'nowhere.jpg'), path.join(cwd, 'p/broken.jpg'));
    const items = await discover(['p']);
    expect(items).toContainEqual({
      kind: 'file',
      path: path.join(cwd, 'p/broken.jpg'),
      real: path.join(cwd, 'p/broken.jpg'),
      display: 'p/broken.jpg',
      relative: 'broken.jpg',
    });
    expect(items).toHaveLength(2);
  });
});

describe('globs', () => {
  beforeEach(async () => {
    await files('products/shoes/a.jpg', 'products/shoes/b.txt', 'products/c.png', 'products/.h/d.jpg');
  });

  it('takes the static base of the pattern as the root', async () => {
    expect(summary(await discover(['products/**/*.jpg']))).toEqual(['hidden:products/.h/d.jpg', 'shoes/a.jpg']);
    expect(summary(await discover(['products/shoes/*']))).toEqual(['a.jpg', 'not-an-image:products/shoes/b.txt']);
    expect(summary(await discover(['*/{shoes,other}/*.jpg']))).toEqual(['products/shoes/a.jpg']);
  });

  it('lists matches in the same order as a folder walk', async () => {
    await files('products/shoes.jpg', 'products/shoes-2.jpg');
    const taken = (items: DiscoveryItem[]) => items.filter((item) => item.kind === 'file');
    const walked = taken(await discover(['products']));
    expect(summary(walked)).toEqual(['c.png', 'shoes/a.jpg', 'shoes-2.jpg', 'shoes.jpg']);
    expect(taken(await discover(['products/**']))).toEqual(walked);
  });

  it('counts each file matched under the output folder or a hidden folder', async () => {
    await files('products/out/x.png', 'products/out/y.png');
    const items = await discover(['products/**/*.{jpg,png}'], { skipFolders: [path.join(cwd, 'products/out')] });
    expect(summary(items)).toEqual([
      'hidden:products/.h/d.jpg',
      'c.png',
      'output-folder:products/out/x.png',
      'output-folder:products/out/y.png',
      'shoes/a.jpg',
    ]);
  });

  it('yields each file once across a symbolic link loop', async () => {
    await symlink('..', path.join(cwd, 'products/shoes/loop'));
    // The loop lists it under ever longer paths: the second one is said, once.
    expect(summary(await discover(['products/**/*.jpg']))).toEqual([
      'hidden:products/.h/d.jpg',
      'shoes/a.jpg',
      'same-file:products/shoes/loop/shoes/a.jpg',
    ]);
  });

  it('warns when a pattern matches nothing', async () => {
    expect(summary(await discover(['products/*.gif', 'products/*.png']))).toEqual([
      'warning:no files match "products/*.gif"',
      'c.png',
    ]);
  });

  it('takes a path with glob characters literally when it exists', async () => {
    await files('shots[1]/a.jpg');
    expect(summary(await discover(['shots[1]']))).toEqual(['a.jpg']);
  });
});

describe('named files', () => {
  it('takes them as they are: hidden, not an image, excluded or in the output folder', async () => {
    await files('p/.hidden.jpg', 'p/notes.txt', 'out/old.png');
    const items = await discover(['p/.hidden.jpg', 'p/notes.txt', 'out/old.png'], { exclude: ['*'] });
    expect(items).toEqual([
      {
        kind: 'file',
        path: path.join(cwd, 'p/.hidden.jpg'),
        real: path.join(cwd, 'p/.hidden.jpg'),
        display: 'p/.hidden.jpg',
        relative: '.hidden.jpg',
      },
      {
        kind: 'file',
        path: path.join(cwd, 'p/notes.txt'),
        real: path.join(cwd, 'p/notes.txt'),
        display: 'p/notes.txt',
        relative: 'notes.txt',
      },
      {
        kind: 'file',
        path: path.join(cwd, 'out/old.png'),
        real: path.join(cwd, 'out/old.png'),
        display: 'out/old.png',
        relative: 'old.png',
      },
    ]);
  });

  it('yields each file once, however often and however it is reached', async () => {
    await files('p/a.jpg', 'p/sub/b.jpg', 'p/c.txt');
    const items = await discover(['p/a.jpg', 'p', './p/a.jpg', 'p/sub', 'p/**', path.join(cwd, 'p/sub/b.jpg')]);
    expect(summary(items)).toEqual(['a.jpg', 'not-an-image:p/c.txt', 'sub/b.jpg']);
  });

  it('takes a file left out by one argument when another names it', async () => {
    await files('p/a.tmp.jpg');
    expect(summary(await discover(['p', 'p/a.tmp.jpg'], { exclude: ['*.tmp.jpg'] }))).toEqual([
      'excluded:p/a.tmp.jpg',
      'a.tmp.jpg',
    ]);
  });

  it('refuses a missing file or folder before yielding anything', async () => {
    await files('products/a.jpg');
    const items = discoverInputs(options(['products', 'products/x.jpg']));
    await expect(items.next()).rejects.toThrow(new UserError('products/x.jpg: no such file or folder'));
    await expect(discover(['nowhere'])).rejects.toThrow('nowhere: no such file or folder');
  });

  it('never takes an empty input for the working folder', async () => {
    await files('a.jpg');
    await expect(discover([''])).rejects.toThrow(
      new UserError("an empty input argument ('') names no file, folder or URL"),
    );
  });
});

describe('URLs', () => {
  it('yields URLs as they are, once, with a safe file name to mirror', async () => {
    const url = 'https://cdn.test/img/Mug.png?v=2';
    expect(await discover([url, url, 'http://cdn.test/p/sofa'])).toEqual([
      { kind: 'url', url, display: url, relative: 'Mug.png' },
      { kind: 'url', url: 'http://cdn.test/p/sofa', display: 'http://cdn.test/p/sofa', relative: 'sofa' },
    ]);
  });

  it('never lets a URL name a path outside the output folder', async () => {
    const hostile = [
      'https://x.test/../../etc/passwd',
      'https://x.test/',
      'https://x.test/a%2F..%2Fb.png',
      'https://x.test/..%2F..%2F.env',
      'https://x.test/%2Fetc%2Fpasswd.jpg',
      'https://x.test/%E0%A4%A.png',
      'https://x.test/x..png',
      'https://x.test/a%5C..%5Cb.webp',
    ];
    const names = (await discover(hostile)).map((item) => (item.kind === 'url' ? item.relative : item.kind));
    expect(names).toHaveLength(hostile.length);
    for (const name of names) expect(name).toMatch(/^[^./\\][^/\\]*$/);
    for (const name of names) expect(name).not.toContain('..');
    expect(names.slice(0, 2)).toEqual(['passwd', 'image']);
    expect(names.slice(2).map((name) => path.extname(name))).toEqual(['.png', '', '.jpg', '.png', '.png', '.webp']);
  });

  it('refuses a malformed URL argument', async () => {
    await expect(discover(['https://'])).rejects.toThrow(new UserError('https://: not a valid URL'));
  });
});

describe('lists', () => {
  it('reads --from-file after the arguments, skipping comments and blank lines, with CRLF', async () => {
    await files('a.jpg', 'p/b.jpg', 'p/sub/e.jpg', 'outside/c.jpg', 'p/d.jpg');
    const list = ['# products', 'sub/e.jpg', '', 'https://x.test/m.png', path.join(cwd, 'outside/c.jpg'), '../a.jpg'];
    await writeFile(path.join(cwd, 'p/list.txt'), [...list, '  b.jpg  ', 'https://', ''].join('\r\n'));
    const items = await discover(['d.jpg'], { fromFile: 'list.txt', cwd: path.join(cwd, 'p') });
    expect(summary(items)).toEqual([
      'd.jpg',
      'sub/e.jpg', // inside the working folder: relative to it
      'm.png',
      'c.jpg', // outside: the file name
      'a.jpg',
      'b.jpg',
      'warning:https://: not a valid URL, skipped',
    ]);
    expect(items[3]).toEqual({
      kind: 'file',
      path: path.join(cwd, 'outside/c.jpg'),
      real: path.join(cwd, 'outside/c.jpg'),
      display: path.join(cwd, 'outside/c.jpg'),
      relative: 'c.jpg',
    });
  });

  it("reads a list from the stream when an input is '-', in its place among the arguments", async () => {
    await files('a.jpg', 'shoes/b.jpg', 'c.jpg');
    const stdin = Readable.from(['# from stdin\n', 'sho', 'es/b.jpg\r\n', '\nhttps://x.test/m.png\n']);
    expect(summary(await discover(['a.jpg', '-', 'c.jpg'], { stdin }))).toEqual([
      'a.jpg',
      'shoes/b.jpg',
      'm.png',
      'c.jpg',
    ]);
  });

  it('reads a CSV list by header name and by index, with quoted fields', async () => {
    await files('photos/with, comma.jpg', 'photos/quote".jpg');
    await writeFile(
      path.join(cwd, 'items.CSV'),
      'sku,image,title\n1,"photos/with, comma.jpg","Chair, ""Oslo"""\n2,"photos/quote"".jpg",x\n3,https://x.test/m.png,y\n',
    );
    const byName = await discover([], { fromFile: 'items.CSV', column: 'image' });
    expect(summary(byName)).toEqual(['photos/with, comma.jpg', 'photos/quote".jpg', 'm.png']);
    expect(await discover([], { fromFile: 'items.CSV', column: '2' })).toEqual(byName);
  });

  it('reads standard input as CSV when a column is asked for', async () => {
    const stdin = Readable.from(['id,url\n7,https://x.test/a.png\n']);
    expect(summary(await discover(['-'], { stdin, column: 'url' }))).toEqual(['a.png']);
  });

  it('refuses a missing CSV column, listing the header, before yielding anything', async () => {
    await files('a.jpg');
    await writeFile(path.join(cwd, 'items.csv'), 'sku,image\n1,a.jpg\n');
    const items = discoverInputs(options(['a.jpg'], { fromFile: 'items.csv', column: 'photo' }));
    await expect(items.next()).rejects.toThrow(
      new UserError('items.csv: no column "photo"; the columns are "sku", "image"'),
    );
  });

  it('refuses a --from-file that cannot be read', async () => {
    await expect(discover([], { fromFile: 'missing.txt' })).rejects.toThrow(
      new UserError('--from-file missing.txt: no such file or folder'),
    );
    await mkdir(path.join(cwd, 'folder.txt'));
    await expect(discover([], { fromFile: 'folder.txt' })).rejects.toThrow('--from-file folder.txt: is a folder');
  });

  it('refuses to read standard input twice', async () => {
    await expect(discover(['-'], { fromFile: '-', stdin: Readable.from([]) })).rejects.toThrow(UserError);
  });
});

describe('streaming', () => {
  it('yields the first file of a large folder before reading its sibling', async () => {
    await files(...Array.from({ length: 300 }, (_, i) => `a/${String(i).padStart(3, '0')}.jpg`), 'b/early.jpg');
    const items = discoverInputs(options(['a', 'b']));
    expect((await items.next()).value).toMatchObject({ relative: '000.jpg' });
    // Written after the first item: seen only because `b` had not been read yet.
    await writeFile(path.join(cwd, 'b/late.jpg'), 'x');
    const rest: DiscoveryItem[] = [];
    for await (const item of items) rest.push(item);
    expect(summary(rest).slice(-2)).toEqual(['early.jpg', 'late.jpg']);
  });

  it('stops cleanly when the consumer returns early', async () => {
    await files('a/1.jpg', 'a/2.jpg', 'b/3.jpg');
    const stdin = Readable.from(['a/1.jpg\n', 'a/2.jpg\n']);
    const seen: string[] = [];
    for await (const item of discoverInputs(options(['a', '-'], { stdin }))) {
      seen.push(summary([item])[0] ?? '');
      break;
    }
    expect(seen).toEqual(['1.jpg']);
  });
});

describe('a file met later (--watch)', () => {
  it.each([
    ['relative', () => 'shots/*.jpg'],
    ['absolute', () => `${cwd}/shots/*.jpg`],
  ])('is matched against its glob as it was written (%s)', async (_kind, pattern) => {
    await files('shots/a.jpg', 'shots/b.png');
    const inputs = await resolveInputs(options([pattern()]));
    expect(await inputs.classify(path.join(cwd, 'shots/c.jpg'))).toMatchObject({ kind: 'file', relative: 'c.jpg' });
    expect(await inputs.classify(path.join(cwd, 'shots/d.png'))).toBeNull();
  });
});
