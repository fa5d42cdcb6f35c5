import { resizedSize } from '../tracker/geometry.ts';
import { gatherRgb8 } from './crop-window.ts';
import { cvLinearTaps, matlabTaps, resampleAxis, type ResizeProfile, saturateU8, type TapWindow } from './interp.ts';

/** Matlab imresize(img, s): Keys bicubic with the scale s itself (not out/in), antialiased when shrinking. */
export function matlabFrameTaps(width: number, height: number, s: number): { rows: TapWindow; cols: TapWindow } {
  const [outW, outH] = resizedSize(width, height, s);
  return { rows: matlabTaps(height, outH, s, 'cubic', true), cols: matlabTaps(width, outW, s, 'cubic', true) };
}

/**
 * The whole-frame rescale by `s` to ceil(W s) x ceil(H s) (spec 1.2). pytorch-port: cv2.resize
 * INTER_LINEAR, bit-exact; official: Matlab imresize bicubic, rows first then columns, each pass
 * rounded to uint8 as Matlab does between dimensions.
 */
export function frameResizeCpu(frame: Uint8Array, width: number, height: number, s: number, profile: ResizeProfile) {
  const [outW, outH] = resizedSize(width, height, s);
  let data: Uint8Array;
  if (profile === 'pytorch-port') {
    const xs = cvLinearTaps(width, outW, 'x');
    const ys = cvLinearTaps(height, outH, 'y');
    data = Uint8Array.from(gatherRgb8(frame, width, xs, ys, true, false));
  } else {
    const { rows, cols } = matlabFrameTaps(width, height, s);
    const mid = resampleAxis(frame, 1, height, width * 3, rows).map(saturateU8);
    data = Uint8Array.from(resampleAxis(mid, outH, width, 3, cols).map(saturateU8));
  }
  return { width: outW, height: outH, data };
}
