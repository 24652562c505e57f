/** Whether a size has an aspect check's figure: the one reading of `aspect` for the checks and the parameters they refuse. */

/** Width over height to within a pixel: 2200×2210 is not square, 1366×1024 is 4:3. */
export function hasAspect(width: number, height: number, aspect: number): boolean {
  return Math.abs(width - height * aspect) < 1 || Math.abs(height - width / aspect) < 1;
}
