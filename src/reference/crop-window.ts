import { cv2ResizeLinear } from './cv2-resize.ts';
import { matlabImresize } from './matlab-imresize.ts';

/** How the S x S search window becomes the network input (spec 1.4). */
export type CropMethod = 'matlab-bilinear' | 'cv2-bilinear';

/**
 * The network input for a window of side S centred at (cx, cy): out x out x 3, HWC, minus 128.
 * Spec 1.4: window column k (0-based) is image column floor(cx) - ceil(S/2) + 1 + k, rows likewise,
 * clamped to the image (replicate padding).
 * - matlab-bilinear (M): the window minus 128 in double, imresize(w, [out out], 'bilinear',
 *   'Antialiasing', false), so scale out/S and no rounding.
 * - cv2-bilinear (P): cv2.resize INTER_LINEAR of the uint8 window, then minus 128.
 */
export function cropWindowCpu(
  frame: Uint8Array,
  width: number,
  height: number,
  window: { cx: number; cy: number; S: number },
  out: number,
  method: CropMethod,
): Float64Array {
  const { cx, cy, S } = window;
  if (!Number.isInteger(S) || S < 1) throw new RangeError(`crop window side ${S} is not a positive integer`);
  const top = Math.floor(cy) - Math.ceil(S / 2) + 1;
  const left = Math.floor(cx) - Math.ceil(S / 2) + 1;
  const pixel = (r: number, c: number, ch: number) => {
    const y = Math.min(Math.max(top + r, 0), height - 1);
    const x = Math.min(Math.max(left + c, 0), width - 1);
    return frame[(y * width + x) * 3 + ch];
  };
  if (method === 'matlab-bilinear') {
    const centred = { read: (r: number, c: number, ch: number) => pixel(r, c, ch) - 128, height: S, width: S, channels: 3 };
    return matlabImresize(centred, out, out, out / S, 'bilinear', { antialias: false, uint8: false });
  }
  return Float64Array.from(cv2ResizeLinear({ read: pixel, height: S, width: S, channels: 3 }, out, out), (v) => v - 128);
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
