/**
 * Making a refused image acceptable before it is sent, with sharp (loaded only when an input
 * needs it): an image in a format no endpoint takes (TIFF, GIF, AVIF, SVG, 16-bit PNG, CMYK
 * JPEG) becomes an 8-bit sRGB PNG, losslessly compressed; an image over the endpoint's byte
 * or pixel limits is scaled down to fit them (--fit-inputs). The result goes to a temporary
 * file in a folder of its own under the run's temporary folder (Host.tmpdir), so that memory
 * does not grow with the image; the caller removes it when done. A failure names what is
 * wrong with the input (cut short, or what the decoder said of it), never the temporary file.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { readRegularFile } from '../regular-file.js';
import { withinPixels } from './formats.js';
import type { InputFix } from './sniff.js';
import { bytesProblem } from './wholeness.js';

export interface ConvertedInput {
  /** The file to upload instead of the input. */
  path: string;
  size: number;
  /** The name it is uploaded under: the input's, with the new format's extension. */
  filename: string;
  /** Removes the converted file's folder; a plain function, so it can be handed on unbound. */
  remove: () => Promise<void>;
}

/** Tries before giving up on fitting a byte limit: each scales the image down a little more. */
const FIT_ATTEMPTS = 6;

export async function convertForUpload(file: string, fix: InputFix, tmpdir: string): Promise<ConvertedInput> {
  const { default: sharp } = await import('sharp');
  // Read once through a non-blocking open: sharp would open the path itself, blocking on a pipe put there since the check.
  const input = await readRegularFile(file);
  const folder = await mkdtemp(path.join(tmpdir, 'photoroom-convert-'));
  const remove = () => rm(folder, { recursive: true, force: true });
  try {
    // Orientation is applied (EXIF does not survive a change of format); the first frame of an animation is taken.
    const image = () => sharp(input, { limitInputPixels: false }).rotate().toColourspace('srgb');
    const stem = path.parse(file).name;
    if (fix.kind === 'convert') {
      const output = path.join(folder, `${stem}.png`);
      await image().png({ compressionLevel: 6 }).toFile(output);
      return { path: output, size: (await stat(output)).size, filename: `${stem}.png`, remove };
    }
    const {
      width = 0,
      height = 0,
      format,
      orientation = 1,
    } = await sharp(input, { limitInputPixels: false }).metadata();
    const keepsFormat = format === 'jpeg' || format === 'webp' || format === 'png';
    const extension = keepsFormat ? (format === 'jpeg' ? 'jpg' : format) : 'png';
    const output = path.join(folder, `${stem}.${extension}`);
    // The largest box the image must fit in; shrunk while the encoded bytes are still too many.
    let box = { width: Math.min(width, fix.maxWidth ?? width), height: Math.min(height, fix.maxHeight ?? height) };
    // A pixel count (the upscaler's) is met by the largest size within it, the aspect ratio kept:
    // of the image as it is sent, turned upright (EXIF orientations 5 to 8 swap its sides).
    if (fix.maxPixels !== undefined) {
      const upright = orientation >= 5 ? { width: height, height: width } : { width, height };
      box = withinPixels(upright, fix.maxPixels);
    }
    for (let attempt = 1; attempt <= FIT_ATTEMPTS; attempt++) {
      const resized = image().resize({ ...box, fit: 'inside' });
      const encoded =
        extension === 'jpg'
          ? resized.jpeg({ quality: 92 })
          : extension === 'webp'
            ? resized.webp({ quality: 92 })
            : resized.png();
      const written = await encoded.toFile(output);
      if (written.size <= fix.maxBytes)
        return { path: output, size: written.size, filename: `${stem}.${extension}`, remove };
      // Bytes grow about with the pixels: aim a little under the limit next time.
      const shrink = Math.sqrt(fix.maxBytes / written.size) * 0.95;
      box = {
        width: Math.max(1, Math.floor(written.width * shrink)),
        height: Math.max(1, Math.floor(written.height * shrink)),
      };
    }
  } catch (error) {
    await remove();
    throw await blameInput(error, input, folder);
  }
  // Every try was too large: the input is fine, the limit too tight for it.
  await remove();
  throw new Error(`could not fit it within ${fix.maxBytes} bytes`);
}

/**
 * A failed conversion, told by what is wrong with the input: cut short (a file still being
 * written), or what the decoder said of it. libvips decodes as it writes, so a bad input
 * fails as "unable to write to target" the temporary file: that line is left out.
 */
async function blameInput(error: unknown, input: Buffer, folder: string): Promise<Error> {
  const problem = await bytesProblem(input);
  if (problem) return new Error(`it is not whole: ${problem}`);
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split('\n').filter((line) => line.trim() !== '');
  const aboutInput = lines.filter((line) => !line.includes(folder));
  if (aboutInput.length === lines.length) return error instanceof Error ? error : new Error(message);
  const said = [...new Set(aboutInput.map((line) => line.trim()))].join('; ');
  return new Error(`its image data could not be decoded${said ? ` (${said})` : ''}`);
}
