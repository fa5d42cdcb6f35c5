// Drawing primitives for the synthetic demo: float RGB canvases, smooth noise and
// anti-aliased textured boxes. Kept apart from the scene script so each stays short.

export type Rgb = [number, number, number];

/** Float RGB, row-major; converted to a Frame only at the end so blending never clips early. */
export class FloatCanvas {
  readonly px: Float32Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.px = new Float32Array(width * height * 3);
  }

  clone(): FloatCanvas {
    const c = new FloatCanvas(this.width, this.height);
    c.px.set(this.px);
    return c;
  }

  blend(x: number, y: number, rgb: Rgb, alpha: number): void {
    const i = (y * this.width + x) * 3;
    for (let c = 0; c < 3; c++) this.px[i + c] += (rgb[c] - this.px[i + c]) * alpha;
  }
}

/**
 * Value noise in [0, 1): random values on a lattice of `cell` pixels, smoothstep-interpolated.
 * Summing a few octaves gives the blotchy, low-contrast clutter of natural backgrounds.
 */
export function valueNoise(width: number, height: number, cell: number, rand: () => number): Float32Array {
  const gw = Math.ceil(width / cell) + 2;
  const gh = Math.ceil(height / cell) + 2;
  const grid = Float32Array.from({ length: gw * gh }, rand);
  const out = new Float32Array(width * height);
  const smooth = (t: number) => t * t * (3 - 2 * t);
  for (let y = 0; y < height; y++) {
    const gy = Math.floor(y / cell);
    const ty = smooth(y / cell - gy);
    for (let x = 0; x < width; x++) {
      const gx = Math.floor(x / cell);
      const tx = smooth(x / cell - gx);
      const a = grid[gy * gw + gx] + (grid[gy * gw + gx + 1] - grid[gy * gw + gx]) * tx;
      const b = grid[(gy + 1) * gw + gx] + (grid[(gy + 1) * gw + gx + 1] - grid[(gy + 1) * gw + gx]) * tx;
      out[y * width + x] = a + (b - a) * ty;
    }
  }
  return out;
}

/**
 * Paints `pattern(u, v)` (u, v in [0, 1) across the box) into a sub-pixel box. Edge pixels are
 * blended by the fraction of the pixel the box covers, so motion and scale are smooth and the
 * box really is the object's exact extent.
 */
export function paintBox(
  canvas: FloatCanvas,
  [bx, by, bw, bh]: readonly [number, number, number, number],
  pattern: (u: number, v: number) => Rgb,
): void {
  const cover = (p: number, lo: number, hi: number) => Math.max(0, Math.min(p + 1, hi) - Math.max(p, lo));
  const x0 = Math.max(0, Math.floor(bx));
  const y0 = Math.max(0, Math.floor(by));
  const x1 = Math.min(canvas.width, Math.ceil(bx + bw));
  const y1 = Math.min(canvas.height, Math.ceil(by + bh));
  for (let y = y0; y < y1; y++) {
    const cy = cover(y, by, by + bh);
    const v = Math.min(0.9999, Math.max(0, (y + 0.5 - by) / bh));
    for (let x = x0; x < x1; x++) {
      const u = Math.min(0.9999, Math.max(0, (x + 0.5 - bx) / bw));
      canvas.blend(x, y, pattern(u, v), cover(x, bx, bx + bw) * cy);
    }
  }
}
