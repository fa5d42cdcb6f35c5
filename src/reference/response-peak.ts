import { keys, matlabImresize } from './matlab-imresize.ts';

/** How the F x F response maps are brought to the S x S window (spec 4.4). */
export type ResponseUpsampling = 'matlab-bicubic' | 'torch-bicubic';
/** Which of equal maxima wins (spec 4.4): Matlab's max scans column-major, PyTorch's argmax row-major. */
export type ArgmaxOrder = 'column-major' | 'row-major';

export interface Peak {
  /** Largest value of the upsampled, windowed map. */
  max: number;
  /** 0-based position of the first maximum in the tie order. */
  y: number;
  x: number;
}

/**
 * Matlab's hann(N): 0.5 - 0.5 cos(2 pi n / (N - 1)) computed on the first half and mirrored, as
 * its gencoswin does, so that cells at equal distance from the centre are exactly equal; hann(1) = 1.
 */
export function hann(N: number): Float64Array {
  const w = new Float64Array(N);
  if (N === 1) return w.fill(1);
  for (let n = 0; n < Math.ceil(N / 2); n++) {
    w[n] = 0.5 - 0.5 * Math.cos(2 * Math.PI * (n / (N - 1)));
    w[N - 1 - n] = w[n];
  }
  return w;
}

/** What the maps are divided by: their global max, or 1 where that is <= 0 (nothing to normalise). */
export function responseDivisor(maps: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < maps.length; i++) m = Math.max(m, maps[i]);
  return m > 0 ? m : 1;
}

/**
 * F.interpolate(map, (S, S), mode='bicubic', align_corners=True), as upsample_bicubic2d computes it:
 * source position d (F-1)/(S-1) in float32 (0 when S = 1), Keys A = -0.75 on the four neighbours
 * floor-1 .. floor+2 with indices clamped to the map, along x first, then along y.
 */
function torchBicubic(map: ArrayLike<number>, F: number, S: number): Float64Array {
  const ratio = S > 1 ? Math.fround((F - 1) / (S - 1)) : 0;
  const source = (d: number) => {
    const real = Math.fround(ratio * d);
    const i = Math.floor(real);
    const t = Math.fround(real - i);
    const at = [-1, 0, 1, 2].map((k) => Math.min(Math.max(i + k, 0), F - 1));
    return { at, w: [t + 1, t, 1 - t, 2 - t].map((dist) => keys(dist, -0.75)) };
  };
  const taps = Array.from({ length: S }, (_, d) => source(d));
  const out = new Float64Array(S * S);
  for (let y = 0; y < S; y++) {
    const sy = taps[y];
    for (let x = 0; x < S; x++) {
      const sx = taps[x];
      let v = 0;
      for (let a = 0; a < 4; a++) {
        let row = 0;
        for (let b = 0; b < 4; b++) row += sx.w[b] * map[sy.at[a] * F + sx.at[b]];
        v += sy.w[a] * row;
      }
      out[y * S + x] = v;
    }
  }
  return out;
}

/**
 * The reference tail of spec 4.3-4.4, materialising the three S x S maps (row-major, float64):
 * divide all by the global max, upsample, add hann(S) hann(S)^T.
 * - matlab-bicubic (M): imresize(map, [S S], 'bicubic'): scale S/F, Keys a = -0.5, half-pixel
 *   mapping, mirrored border, antialiased when S < F.
 * - torch-bicubic (P): F.interpolate bicubic with align_corners=True (A = -0.75, clamped border).
 */
export function responseMapsCpu(maps: Float32Array, F: number, S: number, upsampling: ResponseUpsampling): Float64Array[] {
  if (!Number.isInteger(S) || S < 1) throw new RangeError(`response-peak: window side ${S} is not a positive integer`);
  const divisor = responseDivisor(maps);
  const window = hann(S);
  return [0, 1, 2].map((k) => {
    const map = Array.from(maps.subarray(k * F * F, (k + 1) * F * F), (v) => v / divisor);
    const up =
      upsampling === 'matlab-bicubic'
        ? matlabImresize({ read: (r, c) => map[r * F + c], height: F, width: F, channels: 1 }, S, S, S / F, 'bicubic', { antialias: true, uint8: false })
        : torchBicubic(map, F, S);
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) up[y * S + x] += window[y] * window[x];
    return up;
  });
}

/** Per map, the maximum and the first position holding it, scanning in `order`. */
export function responsePeakCpu(maps: Float32Array, F: number, S: number, upsampling: ResponseUpsampling, order: ArgmaxOrder): Peak[] {
  return responseMapsCpu(maps, F, S, upsampling).map((up) => {
    const peak: Peak = { max: -Infinity, y: -1, x: -1 };
    for (let i = 0; i < S * S; i++) {
      const [y, x] = order === 'row-major' ? [Math.floor(i / S), i % S] : [i % S, Math.floor(i / S)];
      if (up[y * S + x] > peak.max) Object.assign(peak, { max: up[y * S + x], y, x });
    }
    return peak;
  });
}
