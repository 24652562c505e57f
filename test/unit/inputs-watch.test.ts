import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FolderWatch, isWholeImage, type WatchNews } from '../../src/inputs/watch.js';
import { NotARegularFile } from '../../src/regular-file.js';

describe('telling a whole image from one still being written', () => {
  it('knows PNG, JPEG, WebP and GIF by their ends, TIFF by where its offsets point, SVG by its closing tag, and a cut one is not whole', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-watch-'));
    const image = sharp({ create: { width: 64, height: 48, channels: 3, background: '#a05030' } });
    const encodings: [string, Buffer][] = [
      ['a.png', await image.clone().png().toBuffer()],
      ['a.jpg', await image.clone().jpeg().toBuffer()],
      ['a.webp', await image.clone().webp().toBuffer()],
      ['a.gif', await image.clone().gif().toBuffer()],
      ['a.tif', await image.clone().tiff().toBuffer()],
      [
        'a.svg',
        Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>\n',
        ),
      ],
    ];
    for (const [name, bytes] of encodings) {
      const whole = path.join(folder, name);
      const cut = path.join(folder, `cut-${name}`);
      await writeFile(whole, bytes);
      await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
      expect(await isWholeImage(whole), name).toBe(true);
      expect(await isWholeImage(cut), `cut ${name}`).toBe(false);
    }
  });

  it('takes a JPEG with the zero padding some cameras append', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-watch-'));
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .jpeg()
      .toBuffer();
    const padded = path.join(folder, 'padded.jpg');
    await writeFile(padded, Buffer.concat([jpeg, Buffer.alloc(6)]));
    expect(await isWholeImage(padded)).toBe(true);
  });

  it('walks the structure, as the answers are checked: a PNG of several read buffers, cut inside IDAT and given an IEND, is not whole', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-watch-'));
    const noise = await sharp(randomBytes(200 * 200 * 3), { raw: { width: 200, height: 200, channels: 3 } })
      .png()
      .toBuffer();
    expect(noise.length).toBeGreaterThan(64 * 1024);
    const whole = path.join(folder, 'noise.png');
    const mended = path.join(folder, 'mended.png');
    await writeFile(whole, noise);
    await writeFile(mended, Buffer.concat([noise.subarray(0, noise.length >> 1), noise.subarray(-12)]));
    expect(await isWholeImage(whole)).toBe(true);
    expect(await isWholeImage(mended)).toBe(false);
  });

  it('knows AVIF by its boxes', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-watch-'));
    const avif = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#a05030' } })
      .avif()
      .toBuffer();
    const whole = path.join(folder, 'a.avif');
    const cut = path.join(folder, 'cut.avif');
    await writeFile(whole, avif);
    await writeFile(cut, avif.subarray(0, avif.length - 10));
    expect(await isWholeImage(whole)).toBe(true);
    expect(await isWholeImage(cut)).toBe(false);
  });
});

describe('--watch under odd folders', () => {
  /** A FolderWatch on `root`, with what it reported until `until` holds. */
  async function watchUntil(
    root: string,
    act: () => void | Promise<void>,
    until: (news: WatchNews[]) => boolean,
  ): Promise<WatchNews[]> {
    const watch = await FolderWatch.start({
      roots: [root],
      settleMs: 20,
      ignored: () => false,
      shown: (file) => path.relative(root, file) || '.',
    });
    const seen: WatchNews[] = [];
    try {
      await act();
      for await (const news of watch.changes(new AbortController().signal)) {
        seen.push(news);
        if (until(seen)) break;
      }
    } finally {
      await watch.close();
    }
    return seen;
  }

  it('reports a symbolic link loop (ln -s . loop, a→b→a) as a warning, not followed, and goes on watching', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'photoroom-watch-'));
    await mkdir(path.join(root, 'a'));
    await mkdir(path.join(root, 'b'));
    await symlink('.', path.join(root, 'loop'));
    await symlink('../b', path.join(root, 'a/to-b'));
    await symlink('../a', path.join(root, 'b/to-a'));
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const news = await watchUntil(
      root,
      () => writeFile(path.join(root, 'new.png'), png),
      (seen) => seen.some((item) => item.kind === 'file'),
    );
    const warnings = news.filter((item) => item.kind === 'warning').map((item) => item.message);
    expect(warnings).toContain('loop: symbolic link loop back to ., not followed');
    expect(
      warnings.some((message) =>
        /^(a\/to-b\/to-a|b\/to-a\/to-b): symbolic link loop back to (a|b), not followed$/.test(message),
      ),
    ).toBe(true);
    expect(news.filter((item) => item.kind === 'file')).toEqual([{ kind: 'file', path: path.join(root, 'new.png') }]);
  });

  it('never opens a named pipe: isWholeImage refuses it at once, and the watch passes it on to be reported', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'photoroom-watch-'));
    const fifo = path.join(root, 'a.png');
    execFileSync('mkfifo', [fifo]);
    await expect(isWholeImage(fifo)).rejects.toBeInstanceOf(NotARegularFile);
    const second = path.join(root, 'b.png');
    const news = await watchUntil(
      root,
      () => void execFileSync('mkfifo', [second]),
      (seen) => seen.length > 0,
    );
    expect(news).toEqual([{ kind: 'file', path: second }]);
  });

  it('reports a removed root, and ends once no root is left', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'photoroom-watch-'));
    const [kept, removed] = [path.join(parent, 'kept'), path.join(parent, 'removed')];
    await Promise.all([mkdir(kept), mkdir(removed)]);
    const watch = await FolderWatch.start({
      roots: [kept, removed],
      settleMs: 20,
      ignored: () => false,
      shown: (file) => path.basename(file),
    });
    const changes = watch.changes(new AbortController().signal);
    await rm(removed, { recursive: true });
    expect((await changes.next()).value).toEqual({
      kind: 'warning',
      message: 'removed: the watched folder was removed; it is no longer watched',
    });
    await rm(kept, { recursive: true });
    expect((await changes.next()).value).toEqual({
      kind: 'ended',
      message: 'kept: the watched folder was removed; it is no longer watched, and no watched folder is left',
    });
    expect((await changes.next()).done).toBe(true);
    await watch.close();
  });
});
