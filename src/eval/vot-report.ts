import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDataset } from '../io/datasets/index.ts';
import { imageSize } from '../io/frame.ts';
import { isDir, natural } from '../io/fs.ts';
import { openSequence } from '../io/sequence.ts';
import { perSequenceRows, row, skippedLines } from './table.ts';
import {
  type EaoRange,
  expectedAverageOverlap,
  expectedOverlapCurve,
  overallAr,
  parseVotResult,
  type SequenceAr,
  sequenceAr,
  VOT_BURNIN,
  VOT_SKIP,
  type VotRun,
  votRun,
} from './vot.ts';

/** A tracker's supervised-experiment results: `<dir>/baseline/<seq>/<seq>_001.txt` (pysot) or `<dir>/<seq>/<seq>_001.txt`. */
export interface VotTrackerSpec {
  name: string;
  resultsDir: string;
}

export interface VotEvaluateOptions {
  datasetRoot: string;
  trackers: VotTrackerSpec[];
  eaoRange: EaoRange;
  /** Default: every sequence of the dataset with results from every tracker. */
  sequences?: string[];
}

export interface VotSequenceScores extends Omit<SequenceAr, 'frameAccuracy'> {
  runs: number;
}

export interface VotTrackerReport {
  name: string;
  accuracy: number;
  /** Failures summed over sequences (each averaged over its runs). */
  failures: number;
  /** Failures per 100 frames (pysot's Robustness). */
  robustness: number;
  eao: number;
  /** Expected overlap Φ(Ns) for Ns = 1.. (index Ns - 1). */
  curve: number[];
  sequences: Record<string, VotSequenceScores>;
}

export interface VotReport {
  datasetRoot: string;
  eaoRange: EaoRange;
  sequences: string[];
  skipped: { sequence: string; reason: string }[];
  notes: Record<string, string[]>;
  /** Sorted by EAO, best first. */
  trackers: VotTrackerReport[];
}

/** The run files of one sequence, `<seq>_001.txt`, `<seq>_002.txt`.. in order; empty when there are none. */
export function votRunFiles(resultsDir: string, seq: string): string[] {
  const dir = [join(resultsDir, 'baseline', seq), join(resultsDir, seq)].find(isDir);
  if (dir === undefined) return [];
  const run = new RegExp(`^${seq.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_\\d+\\.txt$`);
  return readdirSync(dir).filter((f) => run.test(f)).sort(natural).map((f) => join(dir, f));
}

/**
 * Accuracy, robustness and EAO of each tracker on a VOT dataset (vot.ts). Overlaps are measured
 * against the polygons as written, both regions clipped to the frame, whose size is read from the
 * first frame of each sequence.
 */
export async function evaluateVot(opts: VotEvaluateOptions): Promise<VotReport> {
  const { entries } = openDataset(opts.datasetRoot, 'vot');
  const wanted = opts.sequences ?? entries.map((e) => e.name);
  const skipped: VotReport['skipped'] = [];
  const notes: Record<string, string[]> = {};
  const perTracker = opts.trackers.map(() => ({ runs: [] as VotRun[][], ar: [] as SequenceAr[], scores: {} as Record<string, VotSequenceScores> }));
  const evaluated: string[] = [];
  for (const name of wanted) {
    const entry = entries.find((e) => e.name === name);
    if (!entry) throw new Error(`sequence "${name}": not in ${opts.datasetRoot}`);
    const files = opts.trackers.map((t) => votRunFiles(t.resultsDir, name));
    const missing = opts.trackers.filter((_, i) => files[i].length === 0).map((t) => t.name);
    if (missing.length > 0) {
      if (opts.sequences) throw new Error(`sequence "${name}": no results from ${missing.join(', ')}`);
      skipped.push({ sequence: name, reason: `no result from ${missing.join(', ')}` });
      continue;
    }
    const seq = openSequence(entry.dir, entry.open);
    const gt = seq.regions!;
    const bounds = await imageSize(seq.frames[0]);
    const seqNotes = [...seq.notes];
    opts.trackers.forEach((t, i) => {
      const runs = files[i].map((f) => {
        const records = parseVotResult(readFileSync(f, 'utf8'), f);
        if (records.length !== gt.length) seqNotes.push(`${t.name}: ${records.length} lines in ${f} for ${gt.length} frames`);
        return votRun(records, gt, bounds);
      });
      const ar = sequenceAr(runs);
      perTracker[i].runs.push(runs);
      perTracker[i].ar.push(ar);
      perTracker[i].scores[name] = { accuracy: ar.accuracy, failures: ar.failures, frames: ar.frames, runs: runs.length };
    });
    if (seqNotes.length > 0) notes[name] = seqNotes;
    evaluated.push(name);
  }
  const trackers = opts.trackers.map((t, i): VotTrackerReport => {
    const { accuracy, failures, robustness } = overallAr(perTracker[i].ar);
    const curve = expectedOverlapCurve(perTracker[i].runs);
    return { name: t.name, accuracy, failures, robustness, eao: expectedAverageOverlap(curve, opts.eaoRange), curve, sequences: perTracker[i].scores };
  });
  trackers.sort((a, b) => (Number.isNaN(b.eao) ? -1 : b.eao - a.eao));
  return { datasetRoot: opts.datasetRoot, eaoRange: opts.eaoRange, sequences: evaluated, skipped, notes, trackers };
}

export const votDefinitions = ([low, high]: EaoRange): string =>
  `Supervised experiment: a failure is a frame with overlap 0, the tracker is re-initialised ${VOT_SKIP} frames later. ` +
  `Accuracy = mean overlap over all scored frames of all sequences, the ${VOT_BURNIN} frames from each (re)initialisation left out. ` +
  'Robustness = failures per 100 frames (pysot); Lost = failures. ' +
  `EAO = mean expected average overlap over sequence lengths ${low}..${high}. ` +
  'Overlaps are exact polygon areas within the frame (the VOT toolkit rasterises; see README).';

const fmt = (v: number, digits = 3) => (Number.isNaN(v) ? '-' : v.toFixed(digits));

/** pysot's `ar_benchmark.show_result` layout with EAO, sorted by EAO; optional per-sequence accuracy and lost number. */
export function formatVotTable(report: VotReport, opts: { perSequence?: boolean } = {}): string {
  const widths = [Math.max(12, ...report.trackers.map((t) => t.name.length + 2)), 10, 12, 13, 7];
  const header = row(['Tracker Name', 'Accuracy', 'Robustness', 'Lost Number', 'EAO'], widths);
  const bar = '-'.repeat(header.length);
  const lines = [bar, header, bar];
  for (const t of report.trackers) lines.push(row([t.name, fmt(t.accuracy), fmt(t.robustness), fmt(t.failures, 1), fmt(t.eao)], widths));
  lines.push(bar, `${report.sequences.length} sequences from ${report.datasetRoot}.`, votDefinitions(report.eaoRange));
  if (opts.perSequence) {
    const { trackers } = report;
    const cells = (s: string, i: number) => [fmt(trackers[i].sequences[s].accuracy), fmt(trackers[i].sequences[s].failures, 1)];
    lines.push('', ...perSequenceRows(report.sequences, trackers.map((t) => t.name), ['Acc', 'LN'], cells));
  }
  for (const [seq, ns] of Object.entries(report.notes)) lines.push(`note ${seq}: ${ns.join('; ')}`);
  lines.push(...skippedLines(report.skipped));
  return lines.join('\n');
}
