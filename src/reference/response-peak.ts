import { hann, matlabTaps, resampleAxis, type ResizeProfile, type TapWindow, torchBicubicTaps } from './interp.ts';

export interface Peak {
  /** Largest value of the upsampled, windowed map. */
  max: number;
  /** 0-based position of the first maximum in the profile's tie order. */
  y: number;
  x: number;
}

/**
 * Upsampling taps F -> S, the same on both axes. official: Matlab imresize(map, [S S], 'bicubic'):
 * Keys a = -0.5, half-pixel mapping with scale S/F, mirrored border, antialiased if S < F.
 * pytorch-port: F.interpolate(bicubic, align_corners=True): A = -0.75, src = dst (F-1)/(S-1),
 * indices clamped.
 */
export function responseTaps(F: number, S: number, profile: ResizeProfile): TapWindow {
  if (!Number.isInteger(S) || S < 1) throw new RangeError(`response-peak: window side ${S} is not a positive integer`);
  return profile === 'official' ? matlabTaps(F, S, S / F, 'cubic', true) : torchBicubicTaps(F, S);
}

/** What the maps are divided by: their global max, or 1 where that is <= 0 (see the shader). */
export function responseDivisor(maps: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < maps.length; i++) m = Math.max(m, maps[i]);
  return m > 0 ? m : 1;
}

/**
 * The reference tail, materialising the three S x S maps: normalise, upsample (columns then
 * rows, as Matlab orders equal scales), add hann(S) hann(S)^T. Row-major S x S each, f64.
 */
export function responseMapsCpu(maps: Float32Array, F: number, S: number, profile: ResizeProfile): Float64Array[] {
  const taps = responseTaps(F, S, profile);
  const w = hann(S);
  const divisor = responseDivisor(maps);
  return [0, 1, 2].map((s) => {
    const map = Array.from(maps.subarray(s * F * F, (s + 1) * F * F), (v) => v / divisor);
    const up = resampleAxis(resampleAxis(map, 1, F, F, taps), S, F, 1, taps);
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) up[y * S + x] += w[y] * w[x];
    return up;
  });
}

/** Max and first argmax per map: row-major order for pytorch-port, column-major for official. */
export function responsePeakCpu(maps: Float32Array, F: number, S: number, profile: ResizeProfile): Peak[] {
  return responseMapsCpu(maps, F, S, profile).map((up) => {
    let best: Peak = { max: -Infinity, y: -1, x: -1 };
    for (let a = 0; a < S; a++) {
      for (let b = 0; b < S; b++) {
        const [y, x] = profile === 'official' ? [b, a] : [a, b];
        if (up[y * S + x] > best.max) best = { max: up[y * S + x], y, x };
      }
    }
    return best;
  });
}
