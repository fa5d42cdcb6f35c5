/**
 * Matlab's imresize, written from its algorithm (toolbox/images/images/imresize.m: `contributions`
 * and `resizeAlongDim`) for the CPU references of the official profile. Everything is float64, as
 * in Matlab; nothing here is shared with the GPU kernels, so the kernel tests check their tables.
 */

export type MatlabKernel = 'bicubic' | 'bilinear';

/** Keys' cubic convolution kernel with parameter a: Matlab's 'bicubic' is a = -0.5, PyTorch's -0.75. */
export function keys(x: number, a: number): number {
  const ax = Math.abs(x);
  if (ax <= 1) return (a + 2) * ax ** 3 - (a + 3) * ax ** 2 + 1;
  if (ax <= 2) return a * ax ** 3 - 5 * a * ax ** 2 + 8 * a * ax - 4 * a;
  return 0;
}

/** Matlab's 'bilinear' kernel (its `triangle`), support [-1, 1]. */
function triangle(x: number): number {
  if (x >= -1 && x < 0) return x + 1;
  if (x >= 0 && x <= 1) return 1 - x;
  return 0;
}

/** The input samples and weights of one output coordinate. Indices are 0-based; one may repeat. */
export interface Contribution {
  index: number[];
  weight: number[];
}

/**
 * imresize's `contributions` for output coordinate x (1-based, as in Matlab): the input position
 * u = x/scale + 0.5 (1 - 1/scale); when shrinking with antialiasing the kernel is stretched by
 * 1/scale (h(t) = scale k(scale t)); P = ceil(width) + 2 candidates from floor(u - width/2); the
 * weights are divided by their sum; an index outside 1..inLength is mirrored ([1..n, n..1] repeated).
 */
export function contributions(x: number, inLength: number, scale: number, kernel: MatlabKernel, antialias: boolean): Contribution {
  const base = kernel === 'bicubic' ? (t: number) => keys(t, -0.5) : triangle;
  const stretch = antialias && scale < 1;
  const h = stretch ? (t: number) => scale * base(scale * t) : base;
  const width = (kernel === 'bicubic' ? 4 : 2) / (stretch ? scale : 1);
  const u = x / scale + 0.5 * (1 - 1 / scale);
  const left = Math.floor(u - width / 2);
  const candidates = Math.ceil(width) + 2;
  const index: number[] = [];
  const weight: number[] = [];
  for (let p = 0; p < candidates; p++) {
    const j = left + p;
    weight.push(h(u - j));
    const m = (((j - 1) % (2 * inLength)) + 2 * inLength) % (2 * inLength);
    index.push(m < inLength ? m : 2 * inLength - 1 - m);
  }
  const total = weight.reduce((s, w) => s + w, 0);
  return { index, weight: weight.map((w) => w / total) };
}

/** Matlab's conversion of a double to uint8: round half away from zero, then saturate. */
function toUint8(v: number): number {
  const r = Math.sign(v) * Math.round(Math.abs(v));
  return r < 0 ? 0 : r > 255 ? 255 : r;
}

/** An image of height x width x channels given by read(row, col, channel), 0-based. */
export interface ImageSource {
  read: (row: number, col: number, channel: number) => number;
  height: number;
  width: number;
  channels: number;
}

/**
 * A separable resize to outH x outW, dimension 1 (rows) first as imresize's resizeAlongDim does when
 * scale(1) <= scale(2): the columns pass reads the result of the rows pass. It walks the output row
 * by row and computes that intermediate row once; `finish` is applied after each pass.
 */
export function resizeRowsThenColumns(
  src: ImageSource,
  outH: number,
  outW: number,
  rowWeights: (y: number) => Contribution,
  colWeights: (x: number) => Contribution,
  finish: (v: number) => number = (v) => v,
): Float64Array {
  const { read, width, channels: C } = src;
  const columns = Array.from({ length: outW }, (_, x) => colWeights(x));
  const out = new Float64Array(outH * outW * C);
  const mid = new Float64Array(width * C);
  for (let y = 0; y < outH; y++) {
    const rows = rowWeights(y);
    for (let col = 0; col < width; col++) {
      for (let c = 0; c < C; c++) {
        let v = 0;
        for (let k = 0; k < rows.index.length; k++) v += rows.weight[k] * read(rows.index[k], col, c);
        mid[col * C + c] = finish(v);
      }
    }
    for (let x = 0; x < outW; x++) {
      const { index, weight } = columns[x];
      for (let c = 0; c < C; c++) {
        let v = 0;
        for (let k = 0; k < index.length; k++) v += weight[k] * mid[index[k] * C + c];
        out[(y * outW + x) * C + c] = finish(v);
      }
    }
  }
  return out;
}

/**
 * imresize of src to outH x outW with one scale for both axes (so rows first): imresize(A, scale),
 * or imresize(A, [n n]) of a square A, whose scale is n / side. uint8: Matlab keeps the input class
 * after each pass, so both passes round and saturate; otherwise the result stays float.
 */
export function matlabImresize(
  src: ImageSource,
  outH: number,
  outW: number,
  scale: number,
  kernel: MatlabKernel,
  options: { antialias: boolean; uint8: boolean },
): Float64Array {
  const weights = (length: number) => (o: number) => contributions(o + 1, length, scale, kernel, options.antialias);
  return resizeRowsThenColumns(src, outH, outW, weights(src.height), weights(src.width), options.uint8 ? toUint8 : undefined);
}
