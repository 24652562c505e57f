/**
 * The decoded pixels in use at once, in bytes: two 12 MP images (36 MB each, 48 MB with
 * alpha). Beside Node, sharp and libvips (about 85 MB) and the rasters the garbage collector
 * has yet to free, it keeps a check (or an edit's outputs) over thousands of 12 MP photos under the
 * issue's 300 MB on any number of cores; the pixel pass runs on one core anyway.
 */
export const PIXEL_BUDGET_BYTES = 96 * 1024 * 1024;

/**
 * A bound on the decoded pixels held at once by the images a check measures together. Each
 * image takes its raster's bytes before it is decoded and gives them back once measured, so
 * the rasters in use stay under the bound whatever the number of cores. An image larger than
 * the whole budget is measured alone. (A raster's memory is freed when the garbage collector
 * finds it, a little later: the bound is on what is in use.)
 */
export class PixelBudget {
  private held = 0;
  private readonly waiting: { bytes: number; admit: () => void }[] = [];

  constructor(readonly bytes: number) {}

  /** Waits until `bytes` fit beside what is held, in the order asked, and takes them; resolves to their release. */
  async take(bytes: number): Promise<() => void> {
    if (this.waiting.length === 0 && this.fits(bytes)) this.held += bytes;
    else await new Promise<void>((admit) => this.waiting.push({ bytes, admit }));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held -= bytes;
      this.admitWaiting();
    };
  }

  private fits(bytes: number): boolean {
    return this.held === 0 || this.held + bytes <= this.bytes;
  }

  private admitWaiting(): void {
    for (let next = this.waiting[0]; next && this.fits(next.bytes); next = this.waiting[0]) {
      this.waiting.shift();
      this.held += next.bytes;
      next.admit();
    }
  }
}
