import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openGroundTruth } from '../src/eval/otb-gt.ts';
import { evaluate, formatTable, reportToJson, type TrackerSpec } from '../src/eval/report.ts';
import { sharedPath } from '../src/eval/shared-data.ts';
import { itShared } from './helpers/shared.ts';

const SHARED_SEQS = ['Couple', 'Crossing', 'DragonBaby', 'Football1', 'Skiing'];
const publishedTrackers = (): TrackerSpec[] =>
  ['MEEM', 'MUSTer', 'STRUCK'].map((name) => ({ name, publishedDir: sharedPath('data/results/otb-ope', name) }));

/**
 * Overall numbers on the 5 shared sequences from an independent numpy script written the got10k way (rect_iou with
 * eps, linspace(0, 1, 21) with >, arange(51) with <=, boxes[0] = anno[0], per-sequence curves then the mean).
 */
const NUMPY = {
  MEEM: { auc: 0.578333638456549, precision: 0.9451327433628318, normPrecision: 0.6000862345700104 },
  MUSTer: { auc: 0.4816485007874248, precision: 0.6953985506787868, normPrecision: 0.5302879828838531 },
  STRUCK: { auc: 0.42090369702674807, precision: 0.575789202603362, normPrecision: 0.4471464194915523 },
};

describe('eval report', () => {
  itShared('scores the published MEEM/MUSTer/STRUCK results on the 5 shared sequences', () => {
    const report = evaluate({ datasetRoot: sharedPath('data/otb'), trackers: publishedTrackers() });
    expect(report.sequences).to.deep.equal(SHARED_SEQS);
    expect(report.trackers.map((t) => t.name)).to.deep.equal(['MEEM', 'MUSTer', 'STRUCK']);
    for (const t of report.trackers) {
      for (const m of [t.overall, ...Object.values(t.sequences)]) {
        for (const v of [...m.successCurve, ...m.precisionCurve, ...m.normPrecisionCurve]) expect(v).to.be.within(0, 1);
      }
      const want = NUMPY[t.name as keyof typeof NUMPY];
      expect(t.overall.auc, t.name).to.be.closeTo(want.auc, 1e-12);
      expect(t.overall.precision, t.name).to.be.closeTo(want.precision, 1e-12);
      expect(t.overall.normPrecision, t.name).to.be.closeTo(want.normPrecision, 1e-12);
    }
    expect(report.trackers[0]!.sequences.Football1!.evaluatedFrames).to.equal(74);
    expect(report.notes.Football1!.join()).to.contain('74 annotations for 81 images');
    const skipped = report.skipped.filter((s) => s.reason.startsWith('no ground truth'));
    expect(skipped.map((s) => s.sequence)).to.include('David');
  });

  itShared('reproduces the published STRUCK OTB-100 numbers from otb2015.json (AUC 0.463, precision 0.640)', () => {
    const struck = publishedTrackers().filter((t) => t.name === 'STRUCK');
    const report = evaluate({ datasetRoot: sharedPath('data/otb/otb2015.json'), trackers: struck });
    expect(report.sequences).to.have.length(100);
    expect(report.trackers[0]!.overall.auc).to.be.closeTo(0.463, 0.0005);
    expect(report.trackers[0]!.overall.precision).to.be.closeTo(0.640, 0.0005);
    expect(report.notes.ClifBar!.join()).to.contain('329 result rows for 472 GT frames');
  });

  itShared('reads txt result folders; ground truth as results scores 20/21 and precision 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tadt-eval-'));
    const gt = openGroundTruth(sharedPath('data/otb'));
    for (const seq of SHARED_SEQS) {
      const rows = gt.load(seq)!.gt.map((b) => b.map((v) => v.toFixed(3)).join(','));
      writeFileSync(join(dir, `${seq.toLowerCase()}.txt`), rows.join('\n') + '\n');
    }
    writeFileSync(join(dir, 'Couple_time.txt'), '0.01\n');
    const report = evaluate({ datasetRoot: sharedPath('data/otb'), trackers: [{ name: 'GT', resultsDir: dir }] });
    expect(report.sequences).to.deep.equal(SHARED_SEQS);
    expect(report.trackers[0]!.overall.auc).to.equal(20 / 21);
    expect(report.trackers[0]!.overall.precision).to.equal(1);
    expect(report.skipped).to.deep.equal([]);
  });

  itShared('skips sequences a tracker has no result for, and says why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tadt-eval-'));
    writeFileSync(join(dir, 'Couple.txt'), '51,47,25,62\n');
    const report = evaluate({ datasetRoot: sharedPath('data/otb'), trackers: [...publishedTrackers(), { name: 'Mine', resultsDir: dir }] });
    expect(report.sequences).to.deep.equal(['Couple']);
    expect(report.skipped).to.deep.include({ sequence: 'Crossing', reason: 'no result from Mine' });
    expect(report.notes.Couple!.join()).to.contain('Mine: 1 result rows for 140 GT frames');
    expect(formatTable(report)).to.match(/skipped 4 \(no result from Mine\): Crossing, DragonBaby, Football1, Skiing/);
  });

  itShared('fails on named sequences without ground truth or results, and on bad tracker specs', () => {
    const root = sharedPath('data/otb');
    expect(() => evaluate({ datasetRoot: root, trackers: publishedTrackers(), sequences: ['David'] })).to.throw('no ground truth');
    const dir = mkdtempSync(join(tmpdir(), 'tadt-eval-'));
    expect(() => evaluate({ datasetRoot: root, trackers: [{ name: 'X', resultsDir: dir }], sequences: ['Couple'] })).to.throw('no Couple.txt');
    expect(() => evaluate({ datasetRoot: root, trackers: [{ name: 'X' }] })).to.throw('exactly one of resultsDir and publishedDir');
  });

  itShared('formats a pysot table sorted by AUC, per-sequence rows and JSON', () => {
    const report = evaluate({ datasetRoot: sharedPath('data/otb'), trackers: publishedTrackers(), sequences: ['Skiing', 'Couple'] });
    const text = formatTable(report, { perSequence: true });
    const lines = text.split('\n');
    expect(lines[1]).to.equal('|Tracker name| Success | Norm Precision | Precision |');
    const rows = lines.slice(3, 6).map((l) => l.split('|').map((c) => c.trim()));
    expect(rows.map((r) => r[1])).to.deep.equal(report.trackers.map((t) => t.name));
    const aucs = rows.map((r) => Number(r[2]));
    expect(aucs).to.deep.equal([...aucs].sort((a, b) => b - a));
    expect(text).to.match(/\|\s+Skiing\s+\|/).and.match(/\|\s+Video name\s+\|\s+success\s+\|\s+precision\s+\|/);
    const json = JSON.parse(reportToJson(report));
    expect(json.trackers[0].sequences.Skiing.auc).to.equal(report.trackers[0]!.sequences.Skiing!.auc);
    expect(json.trackers[0].sequences.Skiing).to.not.have.property('ious');
    expect(JSON.parse(reportToJson(report, { perFrame: true })).trackers[0].sequences.Skiing.ious).to.have.length(81);
  });
});
