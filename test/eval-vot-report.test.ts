import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { evaluateVot, formatVotTable, votRunFiles } from '../src/eval/vot-report.ts';
import { formatVotRecord, type VotRecord } from '../src/eval/vot.ts';
import { tempDir } from './helpers/temp.ts';
import { boxLines, frameFiles, writeTree } from './helpers/tree.ts';

const r = (o: number): VotRecord => ({ kind: 'region', region: [0, 0, 10, 10 * o] });
const INIT: VotRecord = { kind: 'init' };
const times = <T>(n: number, x: T): T[] => Array.from({ length: n }, () => x);
// The two sequences worked out by hand in eval-vot.test.ts.
const SEQ_A: VotRecord[] = [INIT, ...times(11, r(1)), { kind: 'failure' }, ...times(4, { kind: 'skip' } as VotRecord), INIT, ...times(12, r(0.5))];
const SEQ_B: VotRecord[] = [INIT, ...times(16, r(1))];
const votLines = (records: VotRecord[]) => records.map((x) => `${formatVotRecord(x)}\n`).join('');

/** A VOT root: list.txt, color/ frames (only the first is a real 100x100 image: its header gives the bounds). */
function votDataset(): string {
  const root = writeTree(tempDir(), {
    'list.txt': 'a\nb\n',
    ...frameFiles('a/color', 30, 8),
    'a/groundtruth.txt': boxLines(times(30, [0, 0, 10, 10])),
    ...frameFiles('b/color', 17, 8),
    'b/groundtruth.txt': boxLines(times(17, [0, 0, 10, 0, 10, 10, 0, 10])), // the same square, as VOT's corner polygon
  });
  const png = PNG.sync.write(new PNG({ width: 100, height: 100 }));
  for (const seq of ['a', 'b']) writeFileSync(join(root, seq, 'color', '00000001.jpg'), png);
  return root;
}

describe('eval/vot-report: a VOT dataset and pysot-layout results', () => {
  it('finds <dir>/baseline/<seq>/<seq>_NNN.txt and <dir>/<seq>/<seq>_NNN.txt runs', () => {
    const dir = writeTree(tempDir(), { 'baseline/a/a_002.txt': '', 'baseline/a/a_001.txt': '', 'baseline/a/a_time.txt': '', 'b/b_001.txt': '' });
    expect(votRunFiles(dir, 'a').map((f) => f.slice(dir.length))).to.deep.equal(['/baseline/a/a_001.txt', '/baseline/a/a_002.txt']);
    expect(votRunFiles(dir, 'b')).to.have.length(1);
    expect(votRunFiles(dir, 'c')).to.deep.equal([]);
  });

  it('scores accuracy, robustness and EAO as worked out by hand, against polygons and boxes alike', async () => {
    const root = votDataset();
    const results = writeTree(tempDir(), { 'baseline/a/a_001.txt': votLines(SEQ_A), 'baseline/b/b_001.txt': votLines(SEQ_B) });
    const partial = writeTree(tempDir(), { 'a/a_001.txt': votLines(SEQ_A) });
    const report = await evaluateVot({
      datasetRoot: root,
      trackers: [{ name: 'Partial', resultsDir: partial }, { name: 'X', resultsDir: results }],
      eaoRange: [2, 13],
    });
    expect(report.sequences).to.deep.equal(['a']);
    expect(report.skipped).to.deep.equal([{ sequence: 'b', reason: 'no result from Partial' }]);

    const full = await evaluateVot({ datasetRoot: root, trackers: [{ name: 'X', resultsDir: results }], eaoRange: [2, 13] });
    const x = full.trackers[0];
    expect(x.accuracy).to.be.closeTo(10.5 / 12, 1e-12);
    expect([x.failures, x.robustness]).to.deep.equal([1, 100 / 47]);
    // Phi(Ns) = 2.5/3 for Ns 2..12 and 29/36 for Ns 13 (eval-vot.test.ts).
    expect(x.eao).to.be.closeTo((11 * (2.5 / 3) + 29 / 36) / 12, 1e-12);
    expect(x.sequences.b).to.deep.equal({ accuracy: 1, failures: 0, frames: 17, runs: 1 });
    const text = formatVotTable(full, { perSequence: true });
    expect(text).to.match(/\|\s*Tracker Name\s*\|\s+Accuracy\s+\|\s+Robustness\s+\|\s+Lost Number\s+\|\s+EAO\s+\|/);
    expect(text).to.match(/\|\s+X\s+\|\s+0\.875\s+\|\s+2\.128\s+\|\s+1\.0\s+\|\s+0\.831\s+\|/);
    expect(text).to.match(/\|\s+a\s+\|\s+0\.700\s+\|\s+1\.0\s+\|/);
  });

  it('names a bad line of a result file', async () => {
    const root = votDataset();
    const results = writeTree(tempDir(), { 'a/a_001.txt': '1\n1,2,3\n', 'b/b_001.txt': votLines(SEQ_B) });
    let error: unknown;
    await evaluateVot({ datasetRoot: root, trackers: [{ name: 'X', resultsDir: results }], eaoRange: [2, 13] }).catch((e) => (error = e));
    expect(String(error)).to.match(/a_001\.txt:2: expected 1, 2, 0 or a region of 4 or 8 numbers/);
  });
});
