import { SequenceError } from './errors.ts';

/** [x, y, w, h]: top-left corner and size. */
export type Box = [x: number, y: number, w: number, h: number];

// The one place where coordinate frames change. Dataset files and CLI boxes are 1-based
// (OTB comes from MATLAB); everything inside the tracker is 0-based pixels. Sequence loading
// calls fromOneBased and result writing calls toOneBased, so results come back in the frame
// the input used, whichever convention a dataset really follows (evaluators use the same
// frame for prediction and ground truth, so scores are unaffected either way).
export const fromOneBased = ([x, y, w, h]: Box): Box => [x - 1, y - 1, w, h];
export const toOneBased = ([x, y, w, h]: Box): Box => [x + 1, y + 1, w, h];

export const formatBox = (b: Box): string => `[${b.join(', ')}]`;

/** Rejects non-finite values and empty boxes, which no tracker can initialise from. */
export function checkBoxSize(box: Box, what = 'init box'): void {
  if (box.length !== 4 || !box.every(Number.isFinite)) {
    throw new SequenceError(`${what} ${formatBox(box)} must be 4 finite numbers x,y,w,h`);
  }
  if (box[2] <= 0 || box[3] <= 0) {
    throw new SequenceError(`${what} ${formatBox(box)} has zero or negative size (w=${box[2]}, h=${box[3]})`);
  }
}

/**
 * Checks a 0-based init box against the first frame. Boxes partly outside the image are
 * allowed (OTB has them, e.g. Biker); a box with no pixel inside the image is not.
 */
export function validateInitBox(box: Box, width: number, height: number): void {
  checkBoxSize(box);
  const [x, y, w, h] = box;
  if (x + w <= 0 || y + h <= 0 || x >= width || y >= height) {
    throw new SequenceError(
      `init box ${formatBox(box)} (0-based) lies entirely outside the ${width}x${height} first frame`,
    );
  }
}
