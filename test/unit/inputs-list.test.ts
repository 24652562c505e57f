import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { readList, type ListFormat } from '../../src/inputs/list.js';

const plain: ListFormat = { name: 'list.txt', csv: false };
const csv = (column?: string): ListFormat => ({ name: 'products.csv', csv: true, column });

async function entries(chunks: (string | Buffer)[], format: ListFormat): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of await readList(Readable.from(chunks), format)) found.push(entry);
  return found;
}

describe('plain lists', () => {
  it('skips blank lines and # comments, trims, and accepts CRLF and a byte order mark', async () => {
    const text = '\uFEFFa.jpg\r\n\r\n# a comment\r\n   \r\n  b c.jpg  \r\n  # indented comment\nhttps://x.test/m.png';
    expect(await entries([text], plain)).toEqual(['a.jpg', 'b c.jpg', 'https://x.test/m.png']);
  });

  it('joins lines and characters split across chunks', async () => {
    const bytes = Buffer.from('shoes/été.jpg\nb.jpg\n');
    const cut = bytes.indexOf(Buffer.from('é')) + 1; // inside the two bytes of "é"
    expect(await entries([bytes.subarray(0, cut), bytes.subarray(cut)], plain)).toEqual(['shoes/été.jpg', 'b.jpg']);
    expect(await entries(['sho', 'es/a.jpg\r', '\nb.jpg'], plain)).toEqual(['shoes/a.jpg', 'b.jpg']);
  });

  it('reads an empty list as no entries', async () => {
    expect(await entries([], plain)).toEqual([]);
    expect(await entries(['\n# only a comment\n'], plain)).toEqual([]);
  });
});

describe('CSV lists', () => {
  const table = [
    'sku,"Image URL",title',
    '1,https://x.test/a.png,"Chair, ""Oslo"""',
    '2,"photos/with, comma.jpg","two',
    'lines"',
    '',
    '# 3,skipped.jpg,comment row',
    '4,,no image',
    '5,"quoted ""name"".jpg",last',
  ].join('\r\n');

  it('takes the first column by default, after the header', async () => {
    expect(await entries([table], csv())).toEqual(['1', '2', '4', '5']);
  });

  it('finds a column by header name, ignoring case, with quoted commas, quotes and line breaks', async () => {
    expect(await entries([table], csv('image url'))).toEqual([
      'https://x.test/a.png',
      'photos/with, comma.jpg',
      'quoted "name".jpg',
    ]);
    expect(await entries([table], csv('title'))).toEqual(['Chair, "Oslo"', 'two\r\nlines', 'no image', 'last']);
  });

  it('finds a column by 1-based index', async () => {
    expect(await entries([table], csv('2'))).toEqual(await entries([table], csv('Image URL')));
  });

  it('parses quotes split across chunks', async () => {
    const chunks = ['path\n"a "', '"b"".jpg"\n"c,', 'd.jpg"', '\n'];
    expect(await entries(chunks, csv('path'))).toEqual(['a "b".jpg', 'c,d.jpg']);
  });

  it('refuses a column that does not exist, naming the columns, before any entry', async () => {
    const attempt = readList(Readable.from([table]), csv('photo'));
    await expect(attempt).rejects.toThrow(UserError);
    await expect(readList(Readable.from([table]), csv('photo'))).rejects.toThrow(
      'products.csv: no column "photo"; the columns are "sku", "Image URL", "title"',
    );
    await expect(readList(Readable.from([table]), csv('4'))).rejects.toThrow('no column "4"');
    await expect(readList(Readable.from([table]), csv('0'))).rejects.toThrow('no column "0"');
  });
});
