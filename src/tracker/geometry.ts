/** The scalar geometry of TADT (spec 1.2, 1.3, 3.1, 4.5): pure functions, 0-based boxes [x, y, w, h]. */
import type { Box } from '../io/box.ts';

/** Global rescale factor: sqrt(w*h) of the first box is brought into [minSize, maxSize]. */
export function rescaleFactor(box: Box, minSize: number, maxSize: number): number {
  const t = Math.sqrt(box[2] * box[3]);
  if (t > maxSize) return maxSize / t;
  if (t < minSize) return minSize / t;
  return 1;
}

/** Size of a frame resized by `s`: both references use ceil. */
export function resizedSize(width: number, height: number, s: number): [number, number] {
  return [Math.ceil(width * s), Math.ceil(height * s)];
}

/**
 * The "aligned size" rule: 59*3 = 177, capped by the image, then moved up to the next 4*(2k+1) so the
 * stride-4 feature map has an odd side (177 -> 180; 180 itself -> 188).
 */
export function searchWindowSize(maxSize: number, factor: number, width: number, height: number): number {
  let sz = maxSize * factor;
  if (sz > width || sz > height) sz = Math.min(width, height);
  return sz + 8 - ((((sz - 4) % 8) + 8) % 8);
}

/** Odd template side in feature cells for a target side of `len` rescaled pixels. */
export function templateSide(len: number, featureSide: number, window: number): number {
  return Math.floor((len * featureSide) / window / 2) * 2 + 1;
}

/** Matlab/numpy round: halves away from zero (JS Math.round goes towards +infinity). */
export function roundHalfAway(v: number): number {
  return Math.sign(v) * Math.round(Math.abs(v));
}

export interface TrackState {
  cx: number;
  cy: number;
  w: number;
  h: number;
  /** Search window side in rescaled pixels. */
  window: number;
}

/**
 * One frame's state update (spec 4.5): the peak (1-based ux, uy in the S x S upsampled map) moves
 * the centre by (u - S/2) * scale; size and window follow the chosen scale in full.
 */
export function updateState(state: TrackState, ux: number, uy: number, scale: number): TrackState {
  const S = state.window;
  return {
    cx: state.cx + (ux - S / 2) * scale,
    cy: state.cy + (uy - S / 2) * scale,
    w: state.w * scale,
    h: state.h * scale,
    window: roundHalfAway(S * scale),
  };
}

/**
 * The tracker's internal box: 0-based, in rescaled-frame pixels, obtained as the references do by
 * rounding the 1-based box times the scale and stepping back to 0-based.
 */
export function toRescaledBox(box: Box, scale: number): Box {
  const [x, y, w, h] = box;
  return [
    roundHalfAway((x + 1) * scale) - 1,
    roundHalfAway((y + 1) * scale) - 1,
    roundHalfAway(w * scale),
    roundHalfAway(h * scale),
  ];
}

/** Inverse of toRescaledBox without the rounding: the reported box in original 0-based pixels. */
export function fromRescaledState(state: TrackState, scale: number): Box {
  return [
    (state.cx - state.w / 2 + 1) / scale - 1,
    (state.cy - state.h / 2 + 1) / scale - 1,
    state.w / scale,
    state.h / scale,
  ];
}

export function stateFromBox(box: Box, window: number): TrackState {
  return { cx: box[0] + box[2] / 2, cy: box[1] + box[3] / 2, w: box[2], h: box[3], window };
}
