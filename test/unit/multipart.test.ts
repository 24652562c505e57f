import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/api/client.js';
import { encodeMultipart, type Part } from '../../src/api/multipart.js';
import { LocalFault } from '../../src/errors.js';

/** Parses a body with the platform's own multipart parser, as a server would. */
async function parse(parts: Part[]): Promise<{ form: FormData; length: number; declared: number }> {
  const encoded = encodeMultipart(parts);
  const chunks: Buffer[] = [];
  for await (const chunk of Buffer.isBuffer(encoded.body) ? Readable.from([encoded.body]) : encoded.body)
    chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const form = await new Request('http://x/', {
    method: 'POST',
    headers: { 'content-type': encoded.contentType },
    body,
  }).formData();
  return { form, length: body.length, declared: encoded.length };
}

describe('multipart/form-data encoding', () => {
  it('encodes fields and an in-memory file that a parser reads back, with an exact length', async () => {
    const image = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const { form, length, declared } = await parse([
      { name: 'imageFile', filename: 'shoe.png', path: '/x/shoe.png', size: image.length, content: image },
      { name: 'background.color', value: 'white' },
      { name: 'padding', value: '10%' },
    ]);
    expect(length).toBe(declared);
    expect(form.get('background.color')).toBe('white');
    expect(form.get('padding')).toBe('10%');
    const file = form.get('imageFile') as File;
    expect(file.name).toBe('shoe.png');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(image);
  });

  it('streams a file from disk, showing each chunk to onChunk', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-multipart-'));
    const file = path.join(folder, 'big.bin');
    const bytes = Buffer.alloc(700_000, 7);
    await writeFile(file, bytes);
    let seen = 0;
    const { form, length, declared } = await parse([
      {
        name: 'image_file',
        filename: 'big.bin',
        path: file,
        size: bytes.length,
        onChunk: (chunk) => (seen += chunk.length),
      },
      { name: 'format', value: 'webp' },
    ]);
    expect(length).toBe(declared);
    expect(seen).toBe(bytes.length);
    // Buffer.equals, not toEqual: a deep comparison of 700 kB byte by byte took seconds.
    const read = Buffer.from(await (form.get('image_file') as File).arrayBuffer());
    expect(read.length).toBe(bytes.length);
    expect(read.equals(bytes)).toBe(true);
    expect(form.get('format')).toBe('webp');
  });

  it('fails instead of sending a file that changed size since it was measured', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-multipart-'));
    const file = path.join(folder, 'grown.bin');
    await writeFile(file, Buffer.alloc(10));
    await expect(parse([{ name: 'imageFile', filename: 'grown.bin', path: file, size: 5 }])).rejects.toThrow(
      /changed while it was being sent/,
    );
  });

  it('streams bytes from elsewhere than a file (open), afresh for each body, held to the same exact length', async () => {
    const bytes = Buffer.alloc(300_000, 5);
    let opened = 0;
    const part = (size: number): Part => ({
      name: 'imageFile',
      filename: 'mug.jpg',
      path: 's3://shelf/mug.jpg',
      size,
      open: () => {
        opened += 1;
        return Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]);
      },
    });
    for (let attempt = 1; attempt <= 2; attempt++) {
      const { form, length, declared } = await parse([part(bytes.length)]);
      expect(length).toBe(declared);
      expect(Buffer.from(await (form.get('imageFile') as File).arrayBuffer())).toEqual(bytes);
    }
    expect(opened).toBe(2);
    await expect(parse([part(bytes.length + 1)])).rejects.toThrow('s3://shelf/mug.jpg changed while it was being sent');
  });

  it('escapes quotes and line breaks in names, as browsers do, so they round-trip', async () => {
    const encoded = encodeMultipart([{ name: 'odd"name', value: 'v' }]);
    assert.ok(Buffer.isBuffer(encoded.body), 'a body of text parts alone is one buffer');
    expect(encoded.body.toString()).toContain('name="odd%22name"');
    const { form } = await parse([
      { name: 'odd"name', value: 'v' },
      { name: 'a', filename: 'x"y\r\n.png', path: '/x', size: 1, content: Buffer.from('z') },
    ]);
    expect(form.get('odd"name')).toBe('v');
    expect((form.get('a') as File).name).toBe('x"y\r\n.png');
  });
});

describe('an input that changes while it is sent', () => {
  it('is a local fault, not a network error: the real client gives up on it at once', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-multipart-'));
    const file = path.join(folder, 'growing.png');
    await writeFile(file, Buffer.alloc(2_000_000, 1));
    let received = 0;
    const server = createServer((request, response) => {
      request.on('data', () => (received += 1));
      request.on('end', () => response.end());
      request.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = createClient({
      apiKey: 'sk_test_local',
      baseUrl: `http://127.0.0.1:${port}`,
      connections: 1,
      timeoutMs: 10_000,
    });
    try {
      // Measured at 1 MB, 2 MB when read: what a file being copied in looks like.
      const sent = client.editUpload({ path: file, size: 1_000_000 }, []);
      const error = await sent.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LocalFault);
      expect((error as LocalFault).message).toMatch(/growing\.png changed while it was being sent; not retried/);
      expect(received).toBeGreaterThan(0);
    } finally {
      await client.close();
      server.closeAllConnections();
      server.close();
    }
  });
});
