/**
 * OPE metrics as the OTB toolkit, got10k and pysot compute them (shared/spec/ecosystem-and-style.md 1.3).
 *
 * Frames whose ground truth is invalid (any NaN, w <= 0 or h <= 0) or whose target is marked not visible are
 * handled by an InvalidFrames policy; by default ('exclude') they are left out of every curve. That is a
 * deliberate difference from pysot on OTB, confined to odd inputs (all of OTB-100 has valid ground truth, and there
 * the numbers are identical); the toolkits' own rules for UAV123 and LaSOT, where absent targets are common, are
 * the other two policies.
 *
 * Other deliberate differences from pysot, all confined to odd inputs:
 * - A NaN or non-finite predicted box fails every threshold (got10k gets the same through NaN comparisons).
 * - Result and ground truth of different lengths are scored over the first min(length) frames; the lengths are
 *   reported in SequenceMetrics so a truncated result is visible. (pysot would fail on the shape mismatch.)
 * - OPE starts at frame 1 and result row 1 is overwritten with ground-truth row 1 before scoring, as got10k
 *   (`boxes[0] = anno[0]`) and pytracking do; pysot scores the file as written, which is the same for trackers
 *   that write the init box on line 1. Frame 1 stays in every curve, hence the 20/21 of a perfect tracker.
 */
import type { Box } from '../io/box.ts';

const range = (n: number, at: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => at(i));

/** numpy `arange(0, 1.05, 0.05)` bit for bit (i * 0.05, so 0.15000000000000002): success is `iou > t` (strict). */
export const SUCCESS_THRESHOLDS: readonly number[] = range(21, (i) => i * 0.05);
/** 0..50 px; precision is `error <= t`; the score is the value at 20 px. */
export const PRECISION_THRESHOLDS: readonly number[] = range(51, (i) => i);
/** pysot `arange(0, 51) / 100`; the score is the value at 0.20. */
export const NORM_PRECISION_THRESHOLDS: readonly number[] = range(51, (i) => i / 100);
export const PRECISION_SCORE_INDEX = 20;

/** got10k `rect_iou`: continuous boxes (x2 = x + w), eps in the denominator, clipped to [0, 1]. */
export function iou(a: Box, b: Box): number {
  const iw = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const ih = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  const inter = iw * ih;
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  const v = inter / (union + Number.EPSILON);
  return Number.isNaN(v) ? Number.NaN : Math.min(1, Math.max(0, v));
}

/** OTB centre: pixel-inclusive, `x + (w - 1) / 2`. */
export function center(b: Box): [number, number] {
  return [b[0] + (b[2] - 1) / 2, b[1] + (b[3] - 1) / 2];
}

/** Euclidean distance between centres in pixels. */
export function centerError(pred: Box, gt: Box): number {
  const [px, py] = center(pred);
  const [gx, gy] = center(gt);
  return Math.hypot(px - gx, py - gy);
}

/** pysot normalised error: both centres divided by the ground truth's (w, h) + 1e-16. */
export function normCenterError(pred: Box, gt: Box): number {
  const [px, py] = center(pred);
  const [gx, gy] = center(gt);
  const sx = gt[2] + 1e-16;
  const sy = gt[3] + 1e-16;
  return Math.hypot(px / sx - gx / sx, py / sy - gy / sy);
}

export function isValidGt(b: Box): boolean {
  return b.every(Number.isFinite) && b[2] > 0 && b[3] > 0;
}

export interface Curves {
  /** 21 values, one per SUCCESS_THRESHOLDS entry. */
  successCurve: number[];
  /** 51 values, one per PRECISION_THRESHOLDS entry. */
  precisionCurve: number[];
  /** 51 values, one per NORM_PRECISION_THRESHOLDS entry. */
  normPrecisionCurve: number[];
  /** Success AUC: the plain mean of the 21 success values (a perfect tracker gets 20/21). */
  auc: number;
  /** precisionCurve at 20 px. */
  precision: number;
  /** normPrecisionCurve at 0.20. */
  normPrecision: number;
}

export interface SequenceMetrics extends Curves {
  resultLength: number;
  gtLength: number;
  /** min(resultLength, gtLength): the frames looked at. */
  evaluatedFrames: number;
  /** evaluatedFrames minus those with invalid ground truth or an invisible target ('exclude': the curves' denominator). */
  validFrames: number;
  /** Per evaluated frame; NaN where the ground truth is invalid or the target not visible. */
  ious: number[];
  centerErrors: number[];
}

/**
 * What frames with invalid ground truth or an invisible target count for:
 * - 'exclude': nothing; they leave numerators and denominators (our OTB default; GOT-10k's frames with cover 0).
 * - 'miss': they stay in the denominators and miss every threshold (pytracking's LaSOT rule).
 * - 'otb-toolkit': they stay in the denominators with overlap and centre errors of -1, so they miss on the
 *   success curve and hit on both precision curves: the OTB/UAV123 MATLAB toolkit (`calcSeqErrRobust`), pysot
 *   and pytracking on UAV123.
 */
export type InvalidFrames = 'exclude' | 'miss' | 'otb-toolkit';

export interface EvaluateSequenceOptions {
  /** Overwrite result row 1 with ground-truth row 1 before scoring (got10k, pytracking). Default true. */
  replaceFirst?: boolean;
  /** Per frame, whether the target is visible (LaSOT, GOT-10k); frames marked false are treated as invalid. */
  visible?: readonly boolean[];
  /** Default 'exclude'. */
  invalidFrames?: InvalidFrames;
}

/** Overlap, centre error and normalised centre error that an invalid frame scores under each counting policy. */
const INVALID_SCORES: Record<Exclude<InvalidFrames, 'exclude'>, [number, number, number]> = {
  miss: [-1, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
  'otb-toolkit': [-1, -1, -1],
};

const fractionOf = (values: readonly number[], hit: (v: number) => boolean): number => {
  let n = 0;
  for (const v of values) if (hit(v)) n++;
  return values.length === 0 ? 0 : n / values.length;
};

function curvesFrom(ious: number[], errors: number[], normErrors: number[]): Curves {
  const successCurve = SUCCESS_THRESHOLDS.map((t) => fractionOf(ious, (v) => v > t));
  const precisionCurve = PRECISION_THRESHOLDS.map((t) => fractionOf(errors, (v) => v <= t));
  const normPrecisionCurve = NORM_PRECISION_THRESHOLDS.map((t) => fractionOf(normErrors, (v) => v <= t));
  return withScores({ successCurve, precisionCurve, normPrecisionCurve });
}

function withScores(c: Pick<Curves, 'successCurve' | 'precisionCurve' | 'normPrecisionCurve'>): Curves {
  return {
    ...c,
    auc: mean(c.successCurve),
    precision: c.precisionCurve[PRECISION_SCORE_INDEX]!,
    normPrecision: c.normPrecisionCurve[PRECISION_SCORE_INDEX]!,
  };
}

const mean = (xs: readonly number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((s, x) => s + x, 0) / xs.length);

/** One-pass evaluation (OPE) of one sequence; row i of `result` is frame i of `gt`. */
export function evaluateSequence(result: readonly Box[], gt: readonly Box[], opts: EvaluateSequenceOptions = {}): SequenceMetrics {
  const n = Math.min(result.length, gt.length);
  const ious: number[] = [];
  const centerErrors: number[] = [];
  const scored = { ious: [] as number[], errors: [] as number[], norm: [] as number[] };
  let validFrames = 0;
  const policy = opts.invalidFrames ?? 'exclude';
  for (let i = 0; i < n; i++) {
    const g = gt[i]!;
    const p = i === 0 && opts.replaceFirst !== false ? g : result[i]!;
    if (!isValidGt(g) || opts.visible?.[i] === false) {
      ious.push(Number.NaN);
      centerErrors.push(Number.NaN);
      if (policy !== 'exclude') {
        const [o, e, ne] = INVALID_SCORES[policy];
        scored.ious.push(o);
        scored.errors.push(e);
        scored.norm.push(ne);
      }
      continue;
    }
    validFrames++;
    const predOk = p.every(Number.isFinite);
    const o = predOk ? iou(p, g) : 0;
    const e = predOk ? centerError(p, g) : Number.POSITIVE_INFINITY;
    ious.push(o);
    centerErrors.push(e);
    scored.ious.push(o);
    scored.errors.push(e);
    scored.norm.push(predOk ? normCenterError(p, g) : Number.POSITIVE_INFINITY);
  }
  return {
    ...curvesFrom(scored.ious, scored.errors, scored.norm),
    resultLength: result.length,
    gtLength: gt.length,
    evaluatedFrames: n,
    validFrames,
    ious,
    centerErrors,
  };
}

/** OTB/pysot overall numbers: each curve averaged over sequences (not over frames), scores taken from the mean curves. */
export function averageCurves(sequences: readonly Curves[]): Curves {
  const avg = (pick: (c: Curves) => number[]): number[] =>
    pick(sequences[0] ?? emptyCurves()).map((_, i) => mean(sequences.map((s) => pick(s)[i]!)));
  return withScores({
    successCurve: avg((c) => c.successCurve),
    precisionCurve: avg((c) => c.precisionCurve),
    normPrecisionCurve: avg((c) => c.normPrecisionCurve),
  });
}

function emptyCurves(): Curves {
  return curvesFrom([], [], []);
}
