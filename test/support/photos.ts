/** The real photographs in fixtures/photos/, with the method the emulator's stand-in cutout takes on each. */
import type { CutoutMethod } from '../../src/emulator/cutout.js';

/** The key holds on plain backdrops only: on a busy photograph the cutout is the whole frame. */
export const PHOTO_CUTOUTS: Readonly<Record<string, CutoutMethod>> = {
  'astronaut.jpg': 'whole-frame',
  'brick.png': 'whole-frame',
  'camera.png': 'whole-frame',
  'chelsea.jpg': 'whole-frame',
  'clock.png': 'border-key',
  'coffee.jpg': 'whole-frame',
  'hubble.jpg': 'border-key',
  'retina-cutout.png': 'border-key',
  'retina.jpg': 'border-key',
  'rocket.jpg': 'border-key',
};
