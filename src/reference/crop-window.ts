import {
  cvLinearTaps,
  cvVertical,
  mapTwoTaps,
  matlabTaps,
  type ResizeProfile,
  type TwoTaps,
  twoTaps,
} from './interp.ts';

/** Image column (or row) of window index 0: floor(c) - ceil(S/2) + 1 (spec 1.4), before clamping. */
export function windowOrigin(centre: number, S: number): number {
  return Math.floor(centre) - Math.ceil(S / 2) + 1;
}

/**
 * Taps of the fused crop + resize along one axis, in image coordinates: the S-pixel window at
 * `centre` with replicate border, resized to `out`. pytorch-port: cv2 INTER_LINEAR on the uint8
 * crop; official: Matlab imresize bilinear without antialiasing (scale out/S).
 */
export function cropTaps(
  profile: ResizeProfile,
  centre: number,
  S: number,
  out: number,
  imageLen: number,
  axis: 'x' | 'y',
): TwoTaps {
  if (!Number.isInteger(S) || S < 1) throw new RangeError(`crop window side ${S} is not a positive integer`);
  const taps = profile === 'pytorch-port' ? cvLinearTaps(S, out, axis) : twoTaps(matlabTaps(S, out, out / S, 'bilinear', false));
  const origin = windowOrigin(centre, S);
  return mapTwoTaps(taps, (i) => Math.min(Math.max(origin + i, 0), imageLen - 1));
}

/**
 * The two-tap gather of crop-window.wgsl on the CPU: out RGB values per pixel (HWC, 3 channels).
 * `fixed`: cv2 integer arithmetic, result a uint8; otherwise Matlab's float bilinear on
 * (pixel - 128), rows first. `minus128` subtracts 128 from the cv2 result (network input).
 */
export function gatherRgb8(
  frame: Uint8Array,
  width: number,
  xs: TwoTaps,
  ys: TwoTaps,
  fixed: boolean,
  minus128: boolean,
): Float64Array {
  const outW = xs.i0.length;
  const outH = ys.i0.length;
  const out = new Float64Array(outW * outH * 3);
  const at = (r: number, c: number, ch: number) => frame[(r * width + c) * 3 + ch];
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      for (let ch = 0; ch < 3; ch++) {
        const [r0, r1, c0, c1] = [ys.i0[y], ys.i1[y], xs.i0[x], xs.i1[x]];
        let v: number;
        if (fixed) {
          const h0 = at(r0, c0, ch) * xs.w0[x] + at(r0, c1, ch) * xs.w1[x];
          const h1 = at(r1, c0, ch) * xs.w0[x] + at(r1, c1, ch) * xs.w1[x];
          v = cvVertical(h0, h1, ys.w0[y], ys.w1[y]) - (minus128 ? 128 : 0);
        } else {
          const col0 = ys.w0[y] * (at(r0, c0, ch) - 128) + ys.w1[y] * (at(r1, c0, ch) - 128);
          const col1 = ys.w0[y] * (at(r0, c1, ch) - 128) + ys.w1[y] * (at(r1, c1, ch) - 128);
          v = xs.w0[x] * col0 + xs.w1[x] * col1;
        }
        out[(y * outW + x) * 3 + ch] = v;
      }
    }
  }
  return out;
}

/** The network input for a window of side S at (cx, cy): out x out x 3, HWC, already minus 128. */
export function cropWindowCpu(
  frame: Uint8Array,
  width: number,
  height: number,
  window: { cx: number; cy: number; S: number },
  out: number,
  profile: ResizeProfile,
): Float64Array {
  const xs = cropTaps(profile, window.cx, window.S, out, width, 'x');
  const ys = cropTaps(profile, window.cy, window.S, out, height, 'y');
  return gatherRgb8(frame, width, xs, ys, profile === 'pytorch-port', true);
}

/** The statistics the reference JSON stores for the 3 x 180 x 180 network input. */
export function inputChecksums(values: ArrayLike<number>) {
  let sum = 0;
  let sumsq = 0;
  let max = -Infinity;
  let min = Infinity;
  let pos = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    sum += v;
    sumsq += v * v;
    max = Math.max(max, v);
    min = Math.min(min, v);
    if (v > 0) pos++;
  }
  return { sum, sumsq, max, min, frac_pos: pos / values.length };
}
