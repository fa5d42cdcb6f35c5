import type { Box } from '../io/box.ts';
import { datasetGroundTruth, type OpeDataset } from './dataset-gt.ts';
import { got10kIous, got10kScores, type Got10kScores } from './got10k.ts';
import { averageCurves, evaluateSequence, type Curves, type SequenceMetrics } from './metrics.ts';
import { openGroundTruth, type SequenceGt } from './otb-gt.ts';
import { perSequenceRows, row, skippedLines } from './table.ts';
import { canonicalName, findByName, findResultFile, namesWithExt, readPublishedJson, readResultTxt, resultNames } from './results-io.ts';

/**
 * A tracker's results: `<resultsDir>/<Seq>.txt` (got10k/pysot layout; also got10k's GOT-10k layout
 * `<Seq>/<Seq>_001.txt`) or `<publishedDir>/<Seq>.json` (OTB benchmark).
 */
export interface TrackerSpec {
  name: string;
  resultsDir?: string;
  publishedDir?: string;
}

export interface EvaluateOptions {
  /** OTB-layout folder (`<Seq>/groundtruth_rect.txt`) or an otb2015.json-style file; or a root of `layout`. */
  datasetRoot: string;
  /** Default 'otb'. VOT's supervised experiment has its own measures (vot-report.ts). */
  layout?: 'otb' | OpeDataset;
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
  /** GOT-10k (val, train): AO and SR pooled over frames, and per sequence. */
  got10k?: { overall: Got10kScores; sequences: Record<string, Got10kScores> };
}

export interface EvaluationReport {
  datasetRoot: string;
  layout: 'otb' | OpeDataset;
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
    const p = ext === '.txt' ? findResultFile(dir, name) : findByName(dir, name, ext);
    if (p === null) throw new Error(`tracker "${spec.name}": no ${name}${ext} in ${dir}`);
    return p;
  };
  return {
    names: ext === '.txt' ? resultNames(dir) : namesWithExt(dir, ext),
    load: (seq) => (ext === '.txt' ? readResultTxt(path(seq.name)) : readPublishedJson(path(seq.name), seq.firstFrame).boxes),
  };
}

/** Scores every tracker on the chosen sequences (OPE from frame 1, result row 1 replaced by GT row 1). */
export function evaluate(opts: EvaluateOptions): EvaluationReport {
  const layout = opts.layout ?? 'otb';
  const gtSource = layout === 'otb' ? openGroundTruth(opts.datasetRoot) : datasetGroundTruth(opts.datasetRoot, layout);
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
  const ao = sources.map(() => ({ ious: [] as number[], sequences: {} as Record<string, Got10kScores> }));
  const evaluated: string[] = [];
  for (const name of names) {
    const seq = gtSource.load(name);
    if (seq === null) throw new Error(`sequence "${name}": no ground truth in ${gtSource.origin}`);
    evaluated.push(seq.name);
    const seqNotes = [...seq.notes];
    sources.forEach(({ spec, src }, i) => {
      const result = src.load(seq);
      const m = evaluateSequence(result, seq.gt, { visible: seq.visible, invalidFrames: seq.invalidFrames });
      if (m.resultLength !== m.gtLength) {
        seqNotes.push(`${spec.name}: ${m.resultLength} result rows for ${m.gtLength} GT frames, scored ${m.evaluatedFrames}`);
      }
      perTracker[i]![seq.name] = m;
      if (seq.resolution) {
        const ious = got10kIous(result, seq.gt, seq.visible ?? seq.gt.map(() => true), seq.resolution);
        ao[i]!.ious.push(...ious);
        ao[i]!.sequences[seq.name] = got10kScores(ious);
      }
    });
    if (seqNotes.length > 0) notes[seq.name] = seqNotes;
  }
  const trackers = sources.map(({ spec }, i): TrackerReport => ({
    name: spec.name,
    overall: averageCurves(Object.values(perTracker[i]!)),
    sequences: perTracker[i]!,
    ...(ao[i]!.ious.length > 0 ? { got10k: { overall: got10kScores(ao[i]!.ious), sequences: ao[i]!.sequences } } : {}),
  }));
  trackers.sort((a, b) => b.overall.auc - a.overall.auc);
  return { datasetRoot: gtSource.origin, layout, sequences: evaluated, skipped, notes, trackers };
}

const CURVES =
  'Success = AUC of the OTB success curve (mean of the fractions of frames with IoU > t, t = 0:0.05:1). ' +
  'Precision = fraction of frames with centre error <= 20 px. Norm Precision = fraction with size-normalised centre error <= 0.20. ' +
  'Curves are per sequence, then averaged over sequences; OPE from frame 1, result row 1 replaced by GT row 1.';

/** How each layout counts frames without a usable target (dataset-gt.ts, metrics.ts InvalidFrames). */
const FRAME_RULES: Record<EvaluationReport['layout'], string> = {
  otb: 'Frames with invalid ground truth are left out.',
  got10k:
    'Frames with cover 0 or invalid ground truth are left out. AO = mean IoU and SR0.5/SR0.75 = fraction of IoUs > 0.5/0.75, ' +
    'over frames 2..N with cover > 0, boxes clipped to the image, pooled over the frames of all sequences (got10k toolkit).',
  lasot: 'Frames whose target is fully occluded or out of view (or has invalid ground truth) count as misses on every curve (pytracking).',
  uav123: 'Frames annotated NaN count as misses on the success curve and as hits on both precision curves (UAV123/OTB toolkit, pysot, pytracking).',
};

export const metricDefinitions = (layout: EvaluationReport['layout']): string => `${CURVES} ${FRAME_RULES[layout]}`;

/** pysot `show_result` layout, sorted by success AUC; optional per-sequence success/precision rows. */
export function formatTable(report: EvaluationReport, opts: { perSequence?: boolean } = {}): string {
  const nameW = Math.max(12, ...report.trackers.map((t) => t.name.length + 2));
  const withAo = report.trackers.some((t) => t.got10k);
  const widths = [nameW, 9, 16, 11, ...(withAo ? [7, 8, 8] : [])];
  const header = row(['Tracker name', 'Success', 'Norm Precision', 'Precision', ...(withAo ? ['AO', 'SR0.5', 'SR0.75'] : [])], widths);
  const bar = '-'.repeat(header.length);
  const lines = [bar, header, bar];
  for (const t of report.trackers) {
    const got = t.got10k?.overall;
    const ao = withAo ? [got?.ao, got?.sr50, got?.sr75] : [];
    const scores = [t.overall.auc, t.overall.normPrecision, t.overall.precision, ...ao].map((v) => v?.toFixed(3) ?? '-');
    lines.push(row([t.name, ...scores], widths));
  }
  lines.push(bar, `${report.sequences.length} sequences from ${report.datasetRoot} (${report.layout} layout).`, metricDefinitions(report.layout));
  if (opts.perSequence) {
    const trackers = report.trackers;
    const cells = (s: string, i: number) => [trackers[i]!.sequences[s]!.auc, trackers[i]!.sequences[s]!.precision].map((v) => v.toFixed(3));
    lines.push('', ...perSequenceRows(report.sequences, trackers.map((t) => t.name), ['success', 'precision'], cells));
  }
  for (const [seq, ns] of Object.entries(report.notes)) lines.push(`note ${seq}: ${ns.join('; ')}`);
  lines.push(...skippedLines(report.skipped));
  return lines.join('\n');
}

/** JSON for files and tools; per-frame IoUs and errors only when asked, they dominate the size. */
export function reportToJson(report: EvaluationReport, opts: { perFrame?: boolean } = {}): string {
  const strip = ({ ious, centerErrors, ...rest }: SequenceMetrics) => (opts.perFrame ? { ...rest, ious, centerErrors } : rest);
  const trackers = report.trackers.map((t) => ({
    ...t,
    sequences: Object.fromEntries(Object.entries(t.sequences).map(([k, v]) => [k, strip(v)])),
  }));
  return JSON.stringify({ ...report, metricDefinitions: metricDefinitions(report.layout), trackers }, null, 2);
}
