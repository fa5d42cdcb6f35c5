import type { Box } from '../io/box.ts';
import { iou, isValidGt } from './metrics.ts';

/**
 * GOT-10k's own measures (got10k toolkit `experiments/got10k.py`, val split): IoUs of frames 2..N
 * whose target is visible (`cover > 0`), each box first clipped to the image (`rect_iou(..., bound)`),
 * pooled over all frames of all sequences: AO is their mean, SR_t the fraction above t (strict).
 * Frames with invalid ground truth are left out too, and a NaN box scores 0 (got10k would give NaN).
 */

export interface Got10kScores {
  ao: number;
  sr50: number;
  sr75: number;
  /** Frames pooled. */
  frames: number;
}

/** got10k's `bound`: x and y clamped to [0, width] / [0, height], then w and h to what is left of the image. */
function clipToImage([x, y, w, h]: Box, [width, height]: readonly [number, number]): Box {
  const cx = Math.min(Math.max(x, 0), width);
  const cy = Math.min(Math.max(y, 0), height);
  return [cx, cy, Math.min(Math.max(w, 0), width - cx), Math.min(Math.max(h, 0), height - cy)];
}

/** The IoUs a sequence contributes: frames 2..N, visible, valid ground truth. */
export function got10kIous(result: readonly Box[], gt: readonly Box[], visible: readonly boolean[], resolution: readonly [number, number]): number[] {
  const out: number[] = [];
  for (let i = 1; i < Math.min(result.length, gt.length); i++) {
    const g = gt[i];
    if (!visible[i] || !isValidGt(g)) continue;
    const p = result[i];
    out.push(p.every(Number.isFinite) ? iou(clipToImage(p, resolution), clipToImage(g, resolution)) : 0);
  }
  return out;
}

export function got10kScores(ious: readonly number[]): Got10kScores {
  const n = ious.length;
  const frac = (t: number) => ious.filter((v) => v > t).length / n;
  return { ao: ious.reduce((a, b) => a + b, 0) / n, sr50: frac(0.5), sr75: frac(0.75), frames: n };
}
