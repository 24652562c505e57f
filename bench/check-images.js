/**
 * The 12 MP JPEGs `photoroom check` is benchmarked on (bench/run.js): product shots on
 * white, each a different product in a different place, and busy photo-like pictures, each
 * its own noise. Drawn into raw pixels here (row spans, no call per pixel), encoded by sharp
 * as a camera or an editor would save them (quality 90, 4:2:0).
 */
import sharp from 'sharp';

export const WIDTH = 4000;
export const HEIGHT = 3000;

/** A deterministic generator of 31-bit integers (the C library's LCG). */
function randomFrom(seed) {
  let state = seed & 0x7fffffff;
  return () => (state = (state * 1103515245 + 12345) & 0x7fffffff);
}

function jpeg(data) {
  return sharp(data, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .jpeg({ quality: 90, chromaSubsampling: '4:2:0' })
    .toBuffer();
}

/**
 * A product on pure white: an upright ellipse (a bottle, a bag, a lamp) shaded from its
 * lit side to its dark side, of a colour and size and place that differ with `index`, over
 * a soft grey contact shadow.
 */
export function productShot(index) {
  const random = randomFrom(index * 7919 + 1);
  const data = Buffer.alloc(WIDTH * HEIGHT * 3, 255);
  const rx = 900 + (random() % 700);
  const ry = 1000 + (random() % 350);
  const cx = rx + 100 + (random() % (WIDTH - 2 * rx - 200));
  const cy = HEIGHT / 2;
  const base = [random() % 200, random() % 200, random() % 200];
  // The contact shadow: a flat ellipse under the product, fading outwards.
  for (let y = cy + ry - 60; y < Math.min(HEIGHT, cy + ry + 60); y++)
    for (let x = cx - rx; x < cx + rx; x++) {
      const d = ((x - cx) / rx) ** 2 + ((y - cy - ry) / 60) ** 2;
      if (d < 1) data.fill(Math.round(255 - 60 * (1 - d)), (y * WIDTH + x) * 3, (y * WIDTH + x) * 3 + 3);
    }
  for (let y = cy - ry; y < cy + ry; y++) {
    const dy = (y - cy) / ry;
    const half = Math.floor(rx * Math.sqrt(1 - dy * dy));
    for (let x = cx - half; x < cx + half; x++) {
      const light = 0.6 + 0.4 * ((x - cx + rx) / (2 * rx)) * (1 - Math.abs(dy));
      // A fabric's or a label's fine texture: a camera's file holds it, and so weighs megabytes.
      const texture = ((random() >> 16) % 40) - 20;
      const at = (y * WIDTH + x) * 3;
      data[at] = Math.max(0, base[0] * light + texture);
      data[at + 1] = Math.max(0, base[1] * light + texture);
      data[at + 2] = Math.max(0, base[2] * light + texture);
    }
  }
  return jpeg(data);
}

/** A busy, photo-like picture: broad gradients and fine noise, its own for each `index`. */
export function photoLike(index) {
  const random = randomFrom(index * 104729 + 3);
  const data = Buffer.alloc(WIDTH * HEIGHT * 3);
  const tilt = random() % 128;
  for (let y = 0, at = 0; y < HEIGHT; y++)
    for (let x = 0; x < WIDTH; x++, at += 3) {
      const noise = (random() >> 16) % 48;
      data[at] = ((x * 200) / WIDTH + noise + tilt) & 0xff;
      data[at + 1] = 90 + noise + ((y * 100) / HEIGHT) * Math.sin(x / 300);
      data[at + 2] = (y * 180) / HEIGHT + noise;
    }
  return jpeg(data);
}
