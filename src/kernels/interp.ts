/**
 * Interpolation coefficients of the resize kernels, built on the host in double precision because
 * the code they reproduce (OpenCV, Matlab, PyTorch) computes them in double or with float rounding
 * steps that WGSL cannot express. The shaders read them as tables. src/reference derives the same
 * resamplings on its own, from the spec, so the kernel tests check these tables too.
 */

const f32 = Math.fround;
const clampIndex = (i: number, n: number) => Math.min(Math.max(i, 0), n - 1);

/** cvRound / lrintf: halves to even. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// ---------------------------------------------------------------------------------------------
// OpenCV INTER_LINEAR on uint8 (cv::resize, generic path; IPP is disabled for 8U in OpenCV 4).

/** cv2's 11-bit fixed point: INTER_RESIZE_COEF_BITS. */
export const CV_COEF_ONE = 2048;

/**
 * Two taps per output coordinate: indices i0, i1 and weights w0, w1. The format of the 2-tap
 * gather kernels (crop, cv2 frame rescale, feature pyramid); cv2's weights are 11-bit integers.
 */
export interface TwoTaps {
  i0: Int32Array;
  i1: Int32Array;
  w0: Float64Array;
  w1: Float64Array;
}

function twoTapsOf(n: number): TwoTaps {
  return { i0: new Int32Array(n), i1: new Int32Array(n), w0: new Float64Array(n), w1: new Float64Array(n) };
}

/**
 * cv2's coefficients for `dst` outputs from `src` inputs. The horizontal axis clamps the position
 * (sx < 0 or sx >= src-1 gives weight 0 on the neighbour); the vertical axis keeps the weights and
 * clamps the row indices instead, which is not the same once the vertical rounding is applied.
 */
export function cvLinearTaps(src: number, dst: number, axis: 'x' | 'y'): TwoTaps {
  const t = twoTapsOf(dst);
  const scale = 1 / (dst / src);
  for (let d = 0; d < dst; d++) {
    const v = f32((d + 0.5) * scale - 0.5);
    let s = Math.floor(v);
    let f = f32(v - s);
    if (axis === 'x' && s < 0) (s = 0), (f = 0);
    if (axis === 'x' && s >= src - 1) (s = src - 1), (f = 0);
    t.i0[d] = clampIndex(s, src);
    t.i1[d] = clampIndex(s + 1, src);
    t.w0[d] = roundHalfEven(f32(f32(1 - f) * CV_COEF_ONE));
    t.w1[d] = roundHalfEven(f32(f * CV_COEF_ONE));
  }
  return t;
}

/** A tap window of at most two taps in TwoTaps form. */
export function twoTaps(w: TapWindow): TwoTaps {
  if (w.K > 2) throw new RangeError(`twoTaps: window has ${w.K} taps`);
  const n = w.base.length;
  const t = twoTapsOf(n);
  for (let d = 0; d < n; d++) {
    t.i0[d] = w.base[d];
    t.i1[d] = w.base[d] + w.K - 1;
    t.w0[d] = w.weights[d * w.K];
    t.w1[d] = w.K === 2 ? w.weights[d * 2 + 1] : 0;
  }
  return t;
}

/** The same taps with every index passed through `map` (e.g. window offset and image clamp). */
export function mapTwoTaps(t: TwoTaps, map: (i: number) => number): TwoTaps {
  return { i0: t.i0.map(map), i1: t.i1.map(map), w0: t.w0, w1: t.w1 };
}

/** GPU layout of TwoTaps: one vec4 (i0, i1, w0, w1) per output coordinate, tables one after another. */
export function packTwoTaps(...tables: TwoTaps[]): Float32Array {
  const out: number[] = [];
  for (const t of tables) for (let d = 0; d < t.i0.length; d++) out.push(t.i0[d], t.i1[d], t.w0[d], t.w1[d]);
  return Float32Array.from(out);
}

// ---------------------------------------------------------------------------------------------
// Dense tap windows: every output reads K consecutive in-range inputs base..base+K-1.

/** Per output: a window start and K weights (zeros where the window is wider than needed). */
export interface TapWindow {
  /** Taps per output. */
  K: number;
  base: Int32Array;
  /** out x K, row-major. */
  weights: Float32Array;
}

/**
 * Folds P raw taps per output (flat index/weight arrays), whose indices were clamped or mirrored
 * onto duplicates, into one dense window per output, so kernels read contiguous inputs without
 * per-tap index arrays.
 */
function denseWindow(inLen: number, P: number, index: Int32Array, weight: Float64Array): TapWindow {
  const n = index.length / P;
  const lo = new Int32Array(n);
  let K = 1;
  for (let o = 0; o < n; o++) {
    let [a, b] = [Infinity, -Infinity];
    for (let p = o * P; p < (o + 1) * P; p++) {
      if (weight[p] !== 0) (a = Math.min(a, index[p])), (b = Math.max(b, index[p]));
    }
    if (a > b) a = b = index[o * P];
    lo[o] = a;
    K = Math.max(K, b - a + 1);
  }
  const base = new Int32Array(n);
  const weights = new Float32Array(n * K);
  const acc = new Float64Array(K);
  for (let o = 0; o < n; o++) {
    base[o] = Math.max(0, Math.min(lo[o], inLen - K));
    acc.fill(0);
    for (let p = o * P; p < (o + 1) * P; p++) if (weight[p] !== 0) acc[index[p] - base[o]] += weight[p];
    weights.set(acc, o * K);
  }
  return { K, base, weights };
}

/** Matlab's mirror: indices run 0..n-1, n-1..0 and repeat (imresize's "aux" array). */
function mirrorIndex(i: number, n: number): number {
  const m = ((i % (2 * n)) + 2 * n) % (2 * n);
  return m < n ? m : 2 * n - 1 - m;
}

/** Keys cubic, a = -0.5 (Matlab imresize 'bicubic'). */
export function keysCubic(x: number): number {
  const a = Math.abs(x);
  if (a <= 1) return 1.5 * a ** 3 - 2.5 * a ** 2 + 1;
  if (a <= 2) return -0.5 * a ** 3 + 2.5 * a ** 2 - 4 * a + 2;
  return 0;
}

export function triangle(x: number): number {
  return Math.max(0, 1 - Math.abs(x));
}

/**
 * Matlab imresize's `contributions`: u = x/scale + 0.5(1 - 1/scale) (1-based), kernel widened by
 * 1/scale when shrinking with antialiasing, weights normalised to sum 1, out-of-range indices
 * mirrored. `scale` is the one Matlab uses: the caller's factor for imresize(A, s), out/in for
 * imresize(A, [rows cols]).
 */
export function matlabTaps(
  inLen: number,
  outLen: number,
  scale: number,
  kernel: 'cubic' | 'bilinear',
  antialias: boolean,
): TapWindow {
  const [k, width] = kernel === 'cubic' ? [keysCubic, 4] : [triangle, 2];
  const shrink = scale < 1 && antialias;
  const h = shrink ? (x: number) => scale * k(scale * x) : k;
  const kw = shrink ? width / scale : width;
  const P = Math.ceil(kw) + 2;
  const index = new Int32Array(outLen * P);
  const weight = new Float64Array(outLen * P);
  for (let x = 1; x <= outLen; x++) {
    const u = x / scale + 0.5 * (1 - 1 / scale);
    const left = Math.floor(u - kw / 2);
    const at = (x - 1) * P;
    let sum = 0;
    for (let p = 0; p < P; p++) sum += weight[at + p] = h(u - (left + p));
    for (let p = 0; p < P; p++) {
      index[at + p] = mirrorIndex(left + p - 1, inLen);
      weight[at + p] /= sum;
    }
  }
  return denseWindow(inLen, P, index, weight);
}

/** PyTorch's cubic convolution coefficients for fraction t (upsample_bicubic2d, A = -0.75). */
export function torchCubicCoefficients(t: number, A = -0.75): [number, number, number, number] {
  const c1 = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1;
  const c2 = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return [c2(t + 1), c1(t), c1(1 - t), c2(2 - t)];
}

/**
 * torch.nn.functional.interpolate(mode='bicubic', align_corners=True): src = dst * (in-1)/(out-1)
 * in float32, four taps at floor(src)-1..floor(src)+2 clamped to the edge.
 */
export function torchBicubicTaps(inLen: number, outLen: number): TapWindow {
  const scale = outLen > 1 ? f32((inLen - 1) / (outLen - 1)) : 0;
  const index = new Int32Array(outLen * 4);
  const weight = new Float64Array(outLen * 4);
  for (let d = 0; d < outLen; d++) {
    const real = f32(scale * d);
    const i = Math.floor(real);
    weight.set(torchCubicCoefficients(f32(real - i)), d * 4);
    for (let k = 0; k < 4; k++) index[d * 4 + k] = clampIndex(i - 1 + k, inLen);
  }
  return denseWindow(inLen, 4, index, weight);
}

/**
 * Bilinear for the feature pyramid. alignCorners: Matlab vl_nnbilinearsampler on linspace(-1, 1)
 * (src = dst (in-1)/(out-1); a single output samples linspace's end point, the last input).
 * Otherwise PyTorch align_corners=False: src = max(0, (dst + 0.5) in/out - 0.5).
 */
export function bilinearTaps(inLen: number, outLen: number, alignCorners: boolean): TapWindow {
  const index = new Int32Array(outLen * 2);
  const weight = new Float64Array(outLen * 2);
  for (let d = 0; d < outLen; d++) {
    const src = alignCorners
      ? outLen > 1 ? (d * (inLen - 1)) / (outLen - 1) : inLen - 1
      : Math.max(0, f32((d + 0.5) * f32(inLen / outLen) - 0.5));
    const i = Math.min(Math.floor(src), inLen - 1);
    index.set([i, clampIndex(i + 1, inLen)], d * 2);
    weight.set([1 - (src - i), src - i], d * 2);
  }
  return denseWindow(inLen, 2, index, weight);
}

/**
 * Symmetric Hann window, hann(N)[n] = 0.5 - 0.5 cos(2 pi n / (N-1)); hann(1) = [1] as in Matlab
 * and scipy. Mirrored from the first half so that equal offsets from the centre tie exactly.
 */
export function hann(N: number): Float64Array {
  const w = new Float64Array(N);
  if (N === 1) return w.fill(1);
  for (let n = 0; n < N; n++) {
    const m = Math.min(n, N - 1 - n);
    w[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * m) / (N - 1));
  }
  return w;
}
