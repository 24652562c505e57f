/**
 * Continuing a background where it is missing: `expand` (transparent pixels of the result)
 * and the backdrop behind the subject when the kept background is blurred. Stand-ins for
 * Photoroom's generative fill: the nearest content, continued outward and softened.
 */
import type { Scene } from './effects.js';
import { alphaOf, fromRaster, type Raster, rawOf, toRaster, withAlpha } from './raster.js';
import { seededRandom } from './seed.js';

/**
 * Expand: fills the transparent pixels by continuing the nearest content outward, softened by
 * a blur whose strength the seed picks; the image itself is drawn over the fill unchanged.
 */
export async function expand(canvas: Raster, seed: number): Promise<Raster> {
  const alpha = alphaOf(canvas);
  if (!alpha.some((value) => value < 255)) return canvas;
  const fill = await fillFromSurroundings(canvas, 3 + seededRandom(seed)() * 5);
  return fill ? toRaster(fromRaster(fill).composite([{ input: canvas.data, raw: rawOf(canvas) }])) : canvas;
}

/**
 * Every pixel takes the colour of the nearest (at least half) opaque pixel, then the result
 * is blurred so the continued edges read as out-of-focus surroundings. Null when there is no
 * opaque pixel to continue. Worked out on a copy about 200 px on its short side (the blur
 * hides the difference), the nearest pixel propagated in two raster passes (8SSEDT).
 */
async function fillFromSurroundings(image: Raster, sigma: number): Promise<Raster | null> {
  const step = Math.max(1, Math.floor(Math.min(image.width, image.height) / 200));
  const small =
    step > 1
      ? await toRaster(
          fromRaster(image).resize(Math.ceil(image.width / step), Math.ceil(image.height / step), {
            fit: 'fill',
            kernel: 'linear',
          }),
        )
      : image;
  const filled = nearestFill(small);
  if (!filled) return null;
  return toRaster(fromRaster(filled).resize(image.width, image.height, { fit: 'fill', kernel: 'linear' }).blur(sigma));
}

function nearestFill(image: Raster): Raster | null {
  const { width, height, data } = image;
  const pixels = width * height;
  const nearest = new Int32Array(pixels).fill(-1);
  const distance = new Float64Array(pixels).fill(Infinity);
  for (let i = 0; i < pixels; i++) {
    if ((data[i * 4 + 3] ?? 0) >= 128) {
      nearest[i] = i;
      distance[i] = 0;
    }
  }
  if (!nearest.some((source) => source >= 0)) return null;

  const consider = (i: number, x: number, y: number, nx: number, ny: number) => {
    if (nx < 0 || ny < 0 || nx >= width || ny >= height) return;
    const source = nearest[ny * width + nx] ?? -1;
    if (source < 0) return;
    const dx = (source % width) - x;
    const dy = Math.floor(source / width) - y;
    const d = dx * dx + dy * dy;
    if (d < (distance[i] ?? Infinity)) {
      distance[i] = d;
      nearest[i] = source;
    }
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      consider(i, x, y, x - 1, y);
      consider(i, x, y, x - 1, y - 1);
      consider(i, x, y, x, y - 1);
      consider(i, x, y, x + 1, y - 1);
    }
    for (let x = width - 1; x >= 0; x--) consider(y * width + x, x, y, x + 1, y);
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      consider(i, x, y, x + 1, y);
      consider(i, x, y, x + 1, y + 1);
      consider(i, x, y, x, y + 1);
      consider(i, x, y, x - 1, y + 1);
    }
    for (let x = 0; x < width; x++) consider(y * width + x, x, y, x - 1, y);
  }

  const filled = Buffer.alloc(pixels * 4);
  for (let i = 0; i < pixels; i++) {
    const from = (nearest[i] ?? 0) * 4;
    data.copy(filled, i * 4, from, from + 3);
    filled[i * 4 + 3] = 255;
  }
  return { data: filled, width, height, channels: 4 };
}

/** Background blur; `radius` is a share of the image's longer side. Bokeh blurs more and glows. */
export async function blurBackground(image: Raster, radius: number, mode: string): Promise<Raster> {
  const sigma = Math.max(0.3, radius * Math.max(image.width, image.height));
  const pipeline =
    mode === 'bokeh'
      ? fromRaster(image)
          .blur(sigma * 1.6)
          .modulate({ brightness: 1.05 })
      : fromRaster(image).blur(sigma);
  return toRaster(pipeline);
}

/**
 * Keeps the subject sharp over a blurred copy of its own background; the subject is first
 * painted out of that background so its colours do not bleed into the blur.
 */
export async function blurAroundSubject(scene: Scene, radius: number, mode: string): Promise<Raster> {
  const outside = Buffer.from(scene.mask.map((value) => 255 - value));
  const backdrop = await fillFromSurroundings(withAlpha(scene.image, outside), 2);
  const blurred = await blurBackground(backdrop ?? scene.image, radius, mode);
  const subject = withAlpha(scene.image, scene.mask);
  return toRaster(fromRaster(blurred).composite([{ input: subject.data, raw: rawOf(subject) }]));
}
