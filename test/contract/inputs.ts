/** Input images for the contract tests: files to upload, the same served by URL on loopback. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { serveFolder, tempDir } from '../e2e/harness.js';

export interface Inputs {
  /** The bytes of every input: a real PNG, also what the proxy answers for an image. */
  image: Buffer;
  files: string[];
  urls: string[];
  close(): Promise<void>;
}

export async function contractInputs(names: readonly string[]): Promise<Inputs> {
  const folder = await tempDir('photoroom-contract-');
  // Small enough for every parameter: upscale.mode ai.slow takes at most 262,144 pixels.
  const image = await sharp({ create: { width: 40, height: 30, channels: 4, background: '#3366cc80' } })
    .png()
    .toBuffer();
  const files = names.map((name) => path.join(folder, name));
  await Promise.all(files.map((file) => writeFile(file, image)));
  const server = await serveFolder(folder);
  return { image, files, urls: names.map((name) => `${server.url}/${name}`), close: () => server.close() };
}
