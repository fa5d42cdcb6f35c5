import { expect } from 'chai';
import { regionOverlap } from '../src/eval/region.ts';
import {
  EAO_RANGES,
  expectedAverageOverlap,
  expectedOverlapCurve,
  formatVotRecord,
  frameOverlaps,
  overallAr,
  parseVotResult,
  sequenceAr,
  type VotRecord,
  votRun,
} from '../src/eval/vot.ts';

const FRAME = { width: 100, height: 100 };
const GT = [0, 0, 10, 10];
/** A region whose overlap with GT is `o` (a horizontal slice of it), or a code. */
const r = (o: number): VotRecord => ({ kind: 'region', region: [0, 0, 10, 10 * o] });
const INIT: VotRecord = { kind: 'init' };
const FAIL: VotRecord = { kind: 'failure' };
const SKIP: VotRecord = { kind: 'skip' };
const times = <T>(n: number, x: T): T[] => Array.from({ length: n }, () => x);

/**
 * Sequence A, 30 frames: init on 0, overlap 1 on 1..11, failure on 12, skipped 13..16, re-init on
 * 17 (= 12 + 5), overlap 0.5 on 18..29. Sequence B, 17 frames: init, then overlap 1 on 1..16.
 */
const SEQ_A: VotRecord[] = [INIT, ...times(11, r(1)), FAIL, ...times(4, SKIP), INIT, ...times(12, r(0.5))];
const SEQ_B: VotRecord[] = [INIT, ...times(16, r(1))];
const runOf = (records: VotRecord[]) => votRun(records, times(records.length, GT), FRAME);

describe('eval/region: regionOverlap', () => {
  it('gives exact areas for rectangles and rotated boxes', () => {
    expect(regionOverlap([0, 0, 10, 10], [0, 0, 10, 10])).to.equal(1);
    expect(regionOverlap([0, 0, 10, 10], [5, 0, 10, 10])).to.be.closeTo(1 / 3, 1e-12); // 50 / 150
    const diamond = [5, 0, 10, 5, 5, 10, 0, 5]; // area 50, inside the 10x10 square
    expect(regionOverlap(diamond, [0, 0, 10, 10])).to.be.closeTo(0.5, 1e-12);
    // The diamond's quarter in [5,10]x[5,10] is the triangle (5,5),(10,5),(5,10): 12.5 / (50 + 100 - 12.5).
    expect(regionOverlap([5, 5, 10, 10], diamond)).to.be.closeTo(1 / 11, 1e-12);
    // Corner order (clockwise or not) does not matter.
    expect(regionOverlap([0, 5, 5, 10, 10, 5, 5, 0], [0, 0, 10, 10])).to.be.closeTo(0.5, 1e-12);
  });

  it('is 0 for disjoint, touching and empty regions', () => {
    expect(regionOverlap([0, 0, 10, 10], [20, 20, 5, 5])).to.equal(0);
    expect(regionOverlap([0, 0, 10, 10], [10, 0, 5, 5])).to.equal(0);
    expect(regionOverlap([0, 0, 0, 10], [0, 0, 10, 10])).to.equal(0);
  });

  it('clips both regions to the frame first, as the VOT toolkit does', () => {
    expect(regionOverlap([-5, 0, 10, 10], [0, 0, 5, 10])).to.be.closeTo(50 / 100, 1e-12);
    expect(regionOverlap([-5, 0, 10, 10], [0, 0, 5, 10], { width: 20, height: 20 })).to.equal(1);
    expect(regionOverlap([-20, 0, 10, 10], [-20, 0, 10, 10], { width: 20, height: 20 })).to.equal(0);
  });

  it('refuses two concave polygons', () => {
    const dart = [0, 0, 10, 5, 0, 10, 3, 5];
    expect(() => regionOverlap(dart, dart)).to.throw(/neither region is convex/);
    expect(regionOverlap(dart, [0, 0, 10, 10])).to.be.closeTo(35 / 100, 1e-12); // dart area 50 - 15
  });
});

describe('eval/vot: result files', () => {
  it('reads and writes codes and regions, naming the bad line', () => {
    const text = '1\n10.5,20,30,40\n2\n0\n0\n1,2,3,4,5,6,7,8\n';
    const records = parseVotResult(text, 'bag_001.txt');
    expect(records.map((x) => x.kind)).to.deep.equal(['init', 'region', 'failure', 'skip', 'skip', 'region']);
    expect(records.map(formatVotRecord).join('\n') + '\n').to.equal(text);
    expect(() => parseVotResult('1\n3\n', 'x.txt')).to.throw(/x\.txt:2: expected 1, 2, 0 or a region/);
    expect(() => parseVotResult('1\n1,2,3\n', 'x.txt')).to.throw(/x\.txt:2:/);
  });
});

describe('eval/vot: accuracy, robustness and EAO worked out by hand', () => {
  it('masks codes and the 10-frame burn-in after every initialisation', () => {
    const acc = frameOverlaps(SEQ_A, times(30, GT), FRAME, 10);
    // Scored: frames 10, 11 (overlap 1) and 27, 28, 29 (0.5); 0..9 and 17..26 are burn-in, 12..16 codes.
    const scored = acc.flatMap((v, i) => (Number.isNaN(v) ? [] : [[i, v]]));
    expect(scored).to.deep.equal([[10, 1], [11, 1], [27, 0.5], [28, 0.5], [29, 0.5]]);
  });

  it('sequence A alone', () => {
    const a = sequenceAr([runOf(SEQ_A)]);
    expect(a.accuracy).to.be.closeTo((1 + 1 + 0.5 * 3) / 5, 1e-12); // 0.7
    expect([a.failures, a.frames]).to.deep.equal([1, 30]);
    expect(overallAr([a]).robustness).to.be.closeTo(100 / 30, 1e-12);

    // Fragments: F1 = frames 0..17 = [0, 1 x 11, 0 x 6] padded with zeros; F2 = frames 17..29 =
    // [0, 0.5 x 12], not padded. Phi(Ns) averages frames 2..Ns of each fragment (i = Ns - 1 values):
    //   Ns = 2..12: (1 + 0.5) / 2 = 0.75;  Ns = 13: (11/12 + 0.5) / 2 = 17/24;  Ns = 14..30: F1 alone, 11 / (Ns - 1).
    const curve = expectedOverlapCurve([[runOf(SEQ_A)]]);
    expect(curve).to.have.length(30);
    expect(curve[0]).to.equal(1);
    for (let ns = 2; ns <= 12; ns++) expect(curve[ns - 1], `Ns ${ns}`).to.be.closeTo(0.75, 1e-12);
    expect(curve[12]).to.be.closeTo(17 / 24, 1e-12);
    for (let ns = 14; ns <= 30; ns++) expect(curve[ns - 1], `Ns ${ns}`).to.be.closeTo(11 / (ns - 1), 1e-12);
    // EAO over [2, 13]: (11 x 0.75 + 17/24) / 12;  over [12, 16]: (0.75 + 17/24 + 11/13 + 11/14 + 11/15) / 5.
    expect(expectedAverageOverlap(curve, [2, 13])).to.be.closeTo((11 * 0.75 + 17 / 24) / 12, 1e-12);
    expect(expectedAverageOverlap(curve, [12, 16])).to.be.closeTo((0.75 + 17 / 24 + 11 / 13 + 11 / 14 + 11 / 15) / 5, 1e-12);
    // The curve stops at the longest sequence: a range beyond it averages what exists, or nothing.
    expect(expectedAverageOverlap(curve, [29, 40])).to.be.closeTo((11 / 28 + 11 / 29) / 2, 1e-12);
    expect(expectedAverageOverlap(curve, EAO_RANGES['2016'])).to.be.NaN;
  });

  it('sequences A and B pooled', () => {
    const seqs = [sequenceAr([runOf(SEQ_A)]), sequenceAr([runOf(SEQ_B)])];
    const all = overallAr(seqs);
    // Accuracy pools frames: A's 5 scored frames (sum 3.5) and B's frames 10..16 (7 x 1): 10.5 / 12,
    // not the mean of the sequence accuracies (0.7 + 1) / 2.
    expect(all.accuracy).to.be.closeTo(10.5 / 12, 1e-12);
    expect([all.failures, all.frames]).to.deep.equal([1, 47]);
    expect(all.robustness).to.be.closeTo(100 / 47, 1e-12);

    // B adds F3 = [0, 1 x 16], not padded: Ns 2..12: (1 + 0.5 + 1) / 3;  Ns 13: (11/12 + 0.5 + 1) / 3;
    // Ns 14..17: F2 has ended, (11/(Ns-1) + 1) / 2;  Ns 18..30: F1 alone.
    const curve = expectedOverlapCurve([[runOf(SEQ_A)], [runOf(SEQ_B)]]);
    const want = (ns: number) =>
      ns === 1 ? 1 : ns <= 12 ? 2.5 / 3 : ns === 13 ? 29 / 36 : ns <= 17 ? (11 / (ns - 1) + 1) / 2 : 11 / (ns - 1);
    curve.forEach((v, i) => expect(v, `Ns ${i + 1}`).to.be.closeTo(want(i + 1), 1e-12));
  });

  it('a sequence run twice weighs as much as one run', () => {
    const once = expectedOverlapCurve([[runOf(SEQ_A)], [runOf(SEQ_B)]]);
    const twice = expectedOverlapCurve([[runOf(SEQ_A), runOf(SEQ_A)], [runOf(SEQ_B)]]);
    twice.forEach((v, i) => expect(v).to.be.closeTo(once[i], 1e-12));
    const ar = sequenceAr([runOf(SEQ_A), runOf([INIT, ...times(29, r(1))])]);
    expect(ar.failures).to.equal(0.5);
  });

  it('a perfect tracker scores accuracy 1, no failures and EAO exactly 1 (the init frame is not averaged)', () => {
    const perfect = [INIT, ...times(399, r(1))];
    const curve = expectedOverlapCurve([[runOf(perfect)]]);
    expect(curve.every((v) => v === 1)).to.equal(true);
    for (const range of Object.values(EAO_RANGES)) expect(expectedAverageOverlap(curve, range)).to.equal(1);
    const ar = overallAr([sequenceAr([runOf(perfect)])]);
    expect([ar.accuracy, ar.failures, ar.robustness]).to.deep.equal([1, 0, 0]);
  });
});
