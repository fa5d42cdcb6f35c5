import { formatCoord } from '../io/result-lines.ts';
import { parseNumberToken, type Region } from '../io/groundtruth.ts';
import { type Bounds, regionOverlap } from './region.ts';

/**
 * VOT's supervised (baseline) experiment, measured as pysot's `ar_benchmark.py` and
 * `eao_benchmark.py` and the legacy VOT toolkit's `estimate_accuracy.m` / `estimate_expected_overlap.m`
 * do (shared/spec/ecosystem-and-style.md 1.3).
 */

/** One line of a VOT result file: `1` (initialised here), `2` (failed here), `0` (skipped) or a region. */
export type VotRecord = { kind: 'init' } | { kind: 'failure' } | { kind: 'skip' } | { kind: 'region'; region: Region };

/** Frames skipped after a failure before the tracker is re-initialised (VOT2013-2019, pysot). */
export const VOT_SKIP = 5;
/** Frames, counting the initialisation frame, left out of accuracy after every (re)initialisation. */
export const VOT_BURNIN = 10;

/** Sequence-length range [Nlo, Nhi] that EAO averages over. */
export type EaoRange = readonly [low: number, high: number];

/**
 * The legacy toolkit estimates the range from the dataset's sequence lengths
 * (`analyze_average_expected_overlap.m`: the shortest interval around the peak of a kernel density
 * estimate holding half the mass); pysot hard-codes the results. VOT2016 kept VOT2015's 60
 * sequences (re-annotated), so the two share one range; pysot lists 2016-2019 only.
 */
export const EAO_RANGES: Readonly<Record<string, EaoRange>> = {
  '2015': [108, 371],
  '2016': [108, 371],
  '2017': [100, 356],
  '2018': [100, 356],
  '2019': [46, 291],
};

const CODES: Record<string, VotRecord> = { '0': { kind: 'skip' }, '1': { kind: 'init' }, '2': { kind: 'failure' } };

/** Reads a VOT result file: one code (`1`, `2`, `0`) or region (4 or 8 numbers) per line, as pysot writes. */
export function parseVotResult(text: string, file: string): VotRecord[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  return lines.map((raw, i) => {
    const line = raw.trim();
    const code = CODES[line];
    if (code) return code;
    const values = line.split(/[,\s]+/).map(parseNumberToken);
    if ((values.length !== 4 && values.length !== 8) || values.some((v) => v === null || !Number.isFinite(v))) {
      throw new Error(`${file}:${i + 1}: expected 1, 2, 0 or a region of 4 or 8 numbers, got "${line}"`);
    }
    return { kind: 'region', region: values as number[] };
  });
}

export function formatVotRecord(r: VotRecord): string {
  if (r.kind === 'region') return r.region.map(formatCoord).join(',');
  return r.kind === 'init' ? '1' : r.kind === 'failure' ? '2' : '0';
}

/** 0-based frame indices of the failures. */
export const failureFrames = (records: readonly VotRecord[]): number[] =>
  records.flatMap((r, i) => (r.kind === 'failure' ? [i] : []));

/**
 * Per-frame overlap with the ground truth; NaN where it is unknown: codes, frames without ground
 * truth, and (with `burnin`) the `burnin` frames from each initialisation on. Frames beyond the
 * shorter of the two lists are not scored.
 */
export function frameOverlaps(records: readonly VotRecord[], gt: readonly (Region | null)[], bounds: Bounds, burnin = 0): number[] {
  const n = Math.min(records.length, gt.length);
  const out: number[] = [];
  let burning = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i];
    if (r.kind === 'init') burning = burnin;
    const g = gt[i];
    out.push(burning > 0 || r.kind !== 'region' || g === null ? NaN : regionOverlap(r.region, g, bounds));
    if (burning > 0) burning--;
  }
  return out;
}

/** One run (repetition) of a tracker on a sequence, reduced to what the measures need. */
export interface VotRun {
  /** Per frame, no burn-in (EAO). */
  overlaps: number[];
  /** Per frame, burn-in applied (accuracy). */
  accuracyOverlaps: number[];
  failures: number[];
}

export function votRun(records: readonly VotRecord[], gt: readonly (Region | null)[], bounds: Bounds): VotRun {
  return {
    overlaps: frameOverlaps(records, gt, bounds),
    accuracyOverlaps: frameOverlaps(records, gt, bounds, VOT_BURNIN),
    failures: failureFrames(records.slice(0, Math.min(records.length, gt.length))),
  };
}

const nanMean = (xs: readonly number[]): number => {
  const ok = xs.filter((x) => !Number.isNaN(x));
  return ok.length === 0 ? NaN : ok.reduce((a, b) => a + b, 0) / ok.length;
};

export interface SequenceAr {
  /** Frame by frame, the mean over runs of the burnt-in overlaps (pysot's nanmean over runs). */
  frameAccuracy: number[];
  /** Mean of frameAccuracy over frames that have a value. */
  accuracy: number;
  /** Failures, averaged over runs. */
  failures: number;
  frames: number;
}

/** A sequence's accuracy and failures over its runs. */
export function sequenceAr(runs: readonly VotRun[]): SequenceAr {
  const frames = Math.max(...runs.map((r) => r.accuracyOverlaps.length));
  const frameAccuracy = Array.from({ length: frames }, (_, i) => nanMean(runs.map((r) => r.accuracyOverlaps[i] ?? NaN)));
  return {
    frameAccuracy,
    accuracy: nanMean(frameAccuracy),
    failures: runs.reduce((s, r) => s + r.failures.length, 0) / runs.length,
    frames,
  };
}

export interface OverallAr {
  /** Pooled over the frames of all sequences (pysot), not a mean of sequence accuracies. */
  accuracy: number;
  /** Failures summed over sequences (each a mean over its runs): pysot's "Lost Number". */
  failures: number;
  /** Failures per 100 frames, pysot's "Robustness" (e.g. 50 failures in VOT2018's 21356 frames: 0.234). */
  robustness: number;
  frames: number;
}

export function overallAr(sequences: readonly SequenceAr[]): OverallAr {
  const frames = sequences.reduce((s, q) => s + q.frames, 0);
  const failures = sequences.reduce((s, q) => s + q.failures, 0);
  return {
    accuracy: nanMean(sequences.flatMap((q) => q.frameAccuracy)),
    failures,
    robustness: frames > 0 ? (100 * failures) / frames : NaN,
    frames,
  };
}

/**
 * Expected overlap Φ(Ns) for Ns = 1..longest run (index Ns - 1). Every run is cut into fragments:
 * one from each (re)initialisation to the next, the next starting `skip` frames after a failure.
 * A fragment that ends in a failure is padded with zeros to the full length (a failed tracker
 * scores 0 from then on); the last fragment of a run is not padded, so it takes part only for Ns
 * up to its length. Unknown overlaps (codes, the re-initialisation frames) count as 0, and Φ(Ns)
 * averages frames 2..Ns of each fragment: its initialisation frame is left out. Each fragment
 * weighs 1 / (runs of its sequence), so repeated runs do not weigh a sequence up. Φ(1) = 1.
 */
export function expectedOverlapCurve(sequences: readonly (readonly VotRun[])[], skip = VOT_SKIP): number[] {
  const fragments: { values: number[]; padded: boolean; weight: number }[] = [];
  for (const runs of sequences) {
    for (const run of runs) {
      const n = run.overlaps.length;
      const starts = [0, ...run.failures.map((f) => f + skip).filter((p) => p < n)];
      starts.forEach((start, k) => {
        const end = k + 1 < starts.length ? starts[k + 1] + 1 : n;
        const values = run.overlaps.slice(start, end).map((v) => (Number.isNaN(v) ? 0 : v));
        fragments.push({ values, padded: k + 1 < starts.length, weight: 1 / runs.length });
      });
    }
  }
  const longest = Math.max(0, ...sequences.flatMap((runs) => runs.map((r) => r.overlaps.length)));
  const curve = [1];
  // Running sums of each fragment's frames 2..Ns, so the whole curve costs one pass per fragment.
  const sums = fragments.map(() => 0);
  for (let i = 1; i < longest; i++) {
    let num = 0;
    let den = 0;
    fragments.forEach((f, k) => {
      if (i < f.values.length) sums[k] += f.values[i];
      else if (!f.padded) return;
      num += (sums[k] / i) * f.weight;
      den += f.weight;
    });
    curve.push(den > 0 ? num / den : NaN);
  }
  return curve;
}

/** EAO: the mean of Φ(Ns) over Ns in [low, high], as far as the curve reaches (NaN if not at all). */
export function expectedAverageOverlap(curve: readonly number[], [low, high]: EaoRange): number {
  const part = curve.slice(low - 1, high).filter((v) => !Number.isNaN(v));
  return part.length === 0 ? NaN : part.reduce((a, b) => a + b, 0) / part.length;
}
