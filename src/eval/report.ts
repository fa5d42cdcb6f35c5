import type { Box } from '../io/box.ts';
import { averageCurves, evaluateSequence, type Curves, type SequenceMetrics } from './metrics.ts';
import { openGroundTruth, type SequenceGt } from './otb-gt.ts';
import { canonicalName, findByName, namesWithExt, readPublishedJson, readResultTxt } from './results-io.ts';

/** A tracker's results: `<resultsDir>/<Seq>.txt` (got10k/pysot layout) or `<publishedDir>/<Seq>.json` (OTB benchmark). */
export interface TrackerSpec {
  name: string;
  resultsDir?: string;
  publishedDir?: string;
}

export interface EvaluateOptions {
  /** OTB-layout folder (`<Seq>/groundtruth_rect.txt`) or an otb2015.json-style file. */
  datasetRoot: string;
  trackers: TrackerSpec[];
  /** Default: every sequence with ground truth and a result from every tracker. Named ones must exist. */
  sequences?: string[];
}

export interface SkippedSequence {
  sequence: string;
  reason: string;
}

export interface TrackerReport {
  name: string;
  /** Curves averaged over sequences, as OTB/pysot do. */
  overall: Curves;
  sequences: Record<string, SequenceMetrics>;
}

export interface EvaluationReport {
  datasetRoot: string;
  sequences: string[];
  skipped: SkippedSequence[];
  /** Per sequence: OTB quirks applied and result-length mismatches. */
  notes: Record<string, string[]>;
  /** Sorted by success AUC, best first. */
  trackers: TrackerReport[];
}

interface ResultSource {
  names: string[];
  load(seq: SequenceGt): Box[];
}

function resultSource(spec: TrackerSpec): ResultSource {
  if ((spec.resultsDir === undefined) === (spec.publishedDir === undefined)) {
    throw new Error(`tracker "${spec.name}": give exactly one of resultsDir and publishedDir`);
  }
  const dir = (spec.resultsDir ?? spec.publishedDir)!;
  const ext = spec.resultsDir !== undefined ? '.txt' : '.json';
  const path = (name: string): string => {
    const p = findByName(dir, name, ext);
    if (p === null) throw new Error(`tracker "${spec.name}": no ${name}${ext} in ${dir}`);
    return p;
  };
  return {
    // got10k writes `<Seq>_time.txt` beside the boxes.
    names: namesWithExt(dir, ext).filter((n) => !/_time$/i.test(n)),
    load: (seq) => (ext === '.txt' ? readResultTxt(path(seq.name)) : readPublishedJson(path(seq.name), seq.firstFrame).boxes),
  };
}

/** Scores every tracker on the chosen sequences (OPE from frame 1, result row 1 replaced by GT row 1). */
export function evaluate(opts: EvaluateOptions): EvaluationReport {
  const gtSource = openGroundTruth(opts.datasetRoot);
  const sources = opts.trackers.map((t) => ({ spec: t, src: resultSource(t) }));
  const has = sources.map(({ src }) => new Set(src.names.map(canonicalName)));
  const skipped: SkippedSequence[] = [];
  let names: string[];
  if (opts.sequences) {
    names = opts.sequences;
  } else {
    names = [];
    for (const name of [...gtSource.names].sort()) {
      const missing = sources.filter((_, i) => !has[i]!.has(canonicalName(name))).map((s) => s.spec.name);
      if (missing.length > 0) skipped.push({ sequence: name, reason: `no result from ${missing.join(', ')}` });
      else names.push(name);
    }
    const known = new Set(gtSource.names.map(canonicalName));
    const orphans = new Set(sources.flatMap(({ src }) => src.names).filter((n) => !known.has(canonicalName(n))));
    for (const n of [...orphans].sort()) skipped.push({ sequence: n, reason: `no ground truth in ${gtSource.origin}` });
  }

  const notes: Record<string, string[]> = {};
  const perTracker = sources.map(() => ({} as Record<string, SequenceMetrics>));
  const evaluated: string[] = [];
  for (const name of names) {
    const seq = gtSource.load(name);
    if (seq === null) throw new Error(`sequence "${name}": no ground truth in ${gtSource.origin}`);
    evaluated.push(seq.name);
    const seqNotes = [...seq.notes];
    sources.forEach(({ spec, src }, i) => {
      const m = evaluateSequence(src.load(seq), seq.gt);
      if (m.resultLength !== m.gtLength) {
        seqNotes.push(`${spec.name}: ${m.resultLength} result rows for ${m.gtLength} GT frames, scored ${m.evaluatedFrames}`);
      }
      perTracker[i]![seq.name] = m;
    });
    if (seqNotes.length > 0) notes[seq.name] = seqNotes;
  }
  const trackers = sources.map(({ spec }, i) => ({
    name: spec.name,
    overall: averageCurves(Object.values(perTracker[i]!)),
    sequences: perTracker[i]!,
  }));
  trackers.sort((a, b) => b.overall.auc - a.overall.auc);
  return { datasetRoot: gtSource.origin, sequences: evaluated, skipped, notes, trackers };
}

const center = (s: string, w: number): string => {
  const pad = Math.max(0, w - s.length);
  return ' '.repeat(Math.floor(pad / 2)) + s + ' '.repeat(pad - Math.floor(pad / 2));
};
const row = (cells: readonly string[], widths: readonly number[]): string => `|${cells.map((c, i) => center(c, widths[i]!)).join('|')}|`;

export const METRIC_DEFINITIONS =
  'Success = AUC of the OTB success curve (mean of the fractions of frames with IoU > t, t = 0:0.05:1). ' +
  'Precision = fraction of frames with centre error <= 20 px. Norm Precision = fraction with size-normalised centre error <= 0.20. ' +
  'Curves are per sequence, then averaged over sequences; OPE from frame 1, result row 1 replaced by GT row 1.';

/** pysot `show_result` layout, sorted by success AUC; optional per-sequence success/precision rows. */
export function formatTable(report: EvaluationReport, opts: { perSequence?: boolean } = {}): string {
  const nameW = Math.max(12, ...report.trackers.map((t) => t.name.length + 2));
  const widths = [nameW, 9, 16, 11];
  const header = row(['Tracker name', 'Success', 'Norm Precision', 'Precision'], widths);
  const bar = '-'.repeat(header.length);
  const lines = [bar, header, bar];
  for (const t of report.trackers) {
    lines.push(row([t.name, t.overall.auc, t.overall.normPrecision, t.overall.precision].map((v) => (typeof v === 'string' ? v : v.toFixed(3))), widths));
  }
  lines.push(bar, `${report.sequences.length} sequences from ${report.datasetRoot}.`, METRIC_DEFINITIONS);
  if (opts.perSequence) lines.push('', ...perSequenceTable(report));
  for (const [seq, ns] of Object.entries(report.notes)) lines.push(`note ${seq}: ${ns.join('; ')}`);
  const byReason = new Map<string, string[]>();
  for (const s of report.skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.sequence]);
  // Published result folders cover all of OTB-100: a long list of names would bury the table.
  for (const [reason, seqs] of byReason) {
    const names = seqs.length > 12 ? `${seqs.slice(0, 10).join(', ')} and ${seqs.length - 10} more` : seqs.join(', ');
    lines.push(`skipped ${seqs.length} (${reason}): ${names}`);
  }
  return lines.join('\n');
}

function perSequenceTable(report: EvaluationReport): string[] {
  const seqW = Math.max(12, ...report.sequences.map((s) => s.length + 2));
  const trackerW = report.trackers.map((t) => Math.max(25, t.name.length + 2));
  const header1 = row(['Tracker name', ...report.trackers.map((t) => t.name)], [seqW, ...trackerW]);
  const cellW = [seqW, ...trackerW.flatMap((w) => [Math.floor((w - 1) / 2), w - 1 - Math.floor((w - 1) / 2)])];
  const header2 = row(['Video name', ...report.trackers.flatMap(() => ['success', 'precision'])], cellW);
  const bar = '-'.repeat(header1.length);
  const lines = [bar, header1, header2, bar];
  for (const s of report.sequences) {
    const cells = report.trackers.flatMap((t) => [t.sequences[s]!.auc, t.sequences[s]!.precision].map((v) => v.toFixed(3)));
    lines.push(row([s, ...cells], cellW));
  }
  lines.push(bar);
  return lines;
}

/** JSON for files and tools; per-frame IoUs and errors only when asked, they dominate the size. */
export function reportToJson(report: EvaluationReport, opts: { perFrame?: boolean } = {}): string {
  const strip = ({ ious, centerErrors, ...rest }: SequenceMetrics) => (opts.perFrame ? { ...rest, ious, centerErrors } : rest);
  const trackers = report.trackers.map((t) => ({
    ...t,
    sequences: Object.fromEntries(Object.entries(t.sequences).map(([k, v]) => [k, strip(v)])),
  }));
  return JSON.stringify({ ...report, metricDefinitions: METRIC_DEFINITIONS, trackers }, null, 2);
}
