/**
 * Bilinear sample of the F x F x C map x at output (oy, ox) of a resize to n x n, channel ch.
 * alignCorners (M, vl_nnbilinearsampler on a linspace(-1, 1, n) grid): source d (F-1)/(n-1), and
 * the grid's single point for n = 1 is its end, F-1. Otherwise (P, F.interpolate bilinear with
 * align_corners=False): source max(0, (d + 0.5) F/n - 0.5), the ratio and the result in float32.
 * The right/lower neighbour is clamped to the map.
 */
function bilinearAt(x: Float32Array, F: number, C: number, n: number, alignCorners: boolean, oy: number, ox: number, ch: number): number {
  const source = (d: number) => {
    if (alignCorners) return n > 1 ? (d * (F - 1)) / (n - 1) : F - 1;
    return Math.max(0, Math.fround((d + 0.5) * Math.fround(F / n) - 0.5));
  };
  const [sy, sx] = [source(oy), source(ox)];
  const [y0, x0] = [Math.min(Math.floor(sy), F - 1), Math.min(Math.floor(sx), F - 1)];
  const [y1, x1] = [Math.min(y0 + 1, F - 1), Math.min(x0 + 1, F - 1)];
  const [fy, fx] = [sy - y0, sx - x0];
  const at = (r: number, c: number) => x[(r * F + c) * C + ch];
  const top = (1 - fx) * at(y0, x0) + fx * at(y0, x1);
  const bottom = (1 - fx) * at(y1, x0) + fx * at(y1, x1);
  return (1 - fy) * top + fy * bottom;
}

/**
 * The three pyramid levels of an F x F x C HWC map (spec 4.2): x resized to (F+2) x (F+2) with its
 * central F x F kept (scale F/(F+2)); x itself; x resized to (F-2) x (F-2) inside a zero border of
 * one cell (scale F/(F-2)). With F < 3 the last level is all zeros (there is nothing to shrink to).
 */
export function featurePyramidCpu(x: Float32Array, F: number, C: number, alignCorners: boolean) {
  const cropped = new Float64Array(F * F * C);
  const padded = new Float64Array(F * F * C);
  for (let y = 0; y < F; y++) {
    for (let xx = 0; xx < F; xx++) {
      const inside = F >= 3 && y >= 1 && y <= F - 2 && xx >= 1 && xx <= F - 2;
      for (let ch = 0; ch < C; ch++) {
        const o = (y * F + xx) * C + ch;
        cropped[o] = bilinearAt(x, F, C, F + 2, alignCorners, y + 1, xx + 1, ch);
        if (inside) padded[o] = bilinearAt(x, F, C, F - 2, alignCorners, y - 1, xx - 1, ch);
      }
    }
  }
  return [cropped, Float64Array.from(x), padded] as const;
}
