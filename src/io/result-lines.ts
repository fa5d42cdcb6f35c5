// The OTB text layout of boxes, shared by the CLI's result files and the web page's download.
import { type Box, toOneBased } from './box.ts';

/** Up to 4 decimals without trailing zeros, so integer ground truth round-trips as written. */
export function formatCoord(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const s = v.toFixed(4).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}

/** One result/ground-truth line: a 0-based box written 1-based as `x,y,w,h`. */
export const formatBoxLine = (box: Box): string => toOneBased(box).map(formatCoord).join(',');

/** Joins lines with a newline after each, as the dataset files have. */
export const joinLines = (xs: readonly string[]): string => xs.map((x) => `${x}\n`).join('');

/** A whole result file: one 1-based `x,y,w,h` line per frame, the init box first. */
export const resultText = (boxes: readonly Box[]): string => joinLines(boxes.map(formatBoxLine));
