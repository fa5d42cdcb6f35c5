import { expect } from 'chai';
import {
  averageCurves, center, centerError, evaluateSequence, iou, normCenterError,
  NORM_PRECISION_THRESHOLDS, PRECISION_THRESHOLDS, SUCCESS_THRESHOLDS,
} from '../src/eval/metrics.ts';
import type { Box } from '../src/io/box.ts';

const track = (n: number, f: (i: number) => Box): Box[] => Array.from({ length: n }, (_, i) => f(i));
const moving = (i: number): Box => [10 + 3 * i, 20 + 2 * i, 40, 30];

describe('eval metrics', () => {
  it('uses the toolkit thresholds bit for bit', () => {
    expect(SUCCESS_THRESHOLDS).to.have.length(21);
    expect(SUCCESS_THRESHOLDS[3]).to.equal(0.15000000000000002); // numpy arange(0, 1.05, 0.05)[3]
    expect(SUCCESS_THRESHOLDS[20]).to.equal(1);
    expect(PRECISION_THRESHOLDS).to.deep.equal(Array.from({ length: 51 }, (_, i) => i));
    expect(NORM_PRECISION_THRESHOLDS[20]).to.equal(0.2);
    expect(NORM_PRECISION_THRESHOLDS).to.have.length(51);
  });

  it('computes IoU of overlapping, touching, disjoint and contained boxes', () => {
    const a: Box = [0, 0, 10, 10];
    expect(iou(a, [5, 0, 10, 10])).to.equal(50 / 150);
    expect(iou(a, [10, 0, 10, 10])).to.equal(0); // shares an edge: x2 = x + w, no pixel-inclusive overlap
    expect(iou(a, [0, 10, 10, 10])).to.equal(0);
    expect(iou(a, [20, 20, 5, 5])).to.equal(0);
    expect(iou(a, [2, 3, 4, 5])).to.equal(20 / 100);
    expect(iou(a, a)).to.equal(1);
    expect(iou([0.5, 0.5, 2, 2], [1.5, 1.5, 2, 2])).to.be.closeTo(1 / 7, 1e-15);
    expect(iou([0, 0, 4, 4], [3, 3, 4, 4])).to.equal(1 / 31);
  });

  it('puts centres at x + (w - 1) / 2', () => {
    expect(center([10, 20, 5, 8])).to.deep.equal([12, 23.5]);
    expect(centerError([13, 24, 5, 8], [10, 20, 5, 8])).to.equal(5);
  });

  it('scores a perfect tracker AUC 20/21, precision 1', () => {
    const gt = track(50, moving);
    const m = evaluateSequence(gt, gt);
    expect(m.successCurve.slice(0, 20)).to.deep.equal(Array(20).fill(1));
    expect(m.successCurve[20]).to.equal(0); // IoU 1 is never > 1
    expect(m.auc).to.equal(20 / 21);
    expect(m.precision).to.equal(1);
    expect(m.normPrecision).to.equal(1);
  });

  it('gives a constant 1-pixel shift precision 1.0', () => {
    const gt = track(30, moving);
    const res = gt.map((b): Box => [b[0] + 1, b[1], b[2], b[3]]);
    const m = evaluateSequence(res, gt);
    expect(m.precision).to.equal(1);
    expect(m.precisionCurve[0]).to.equal(1 / 30); // only frame 1, replaced by the ground truth, has error 0
    expect(m.precisionCurve.slice(1).every((v) => v === 1)).to.equal(true);
    const shiftedIou = (39 * 30) / (2 * 40 * 30 - 39 * 30);
    expect(m.ious[1]).to.be.closeTo(shiftedIou, 1e-15);
    expect(m.successCurve[19]).to.equal(1); // 39/41 = 0.9512 > 0.95, only just
    expect(m.auc).to.equal(20 / 21);
  });

  it('computes normalised precision on a hand case', () => {
    const g: Box = [0, 0, 100, 50];
    const gt = [g, g, g];
    const res: Box[] = [[500, 500, 1, 1], [10, 0, 100, 50], [30, 20, 100, 50]];
    expect(normCenterError(res[1]!, g)).to.be.closeTo(0.1, 1e-12);
    expect(normCenterError(res[2]!, g)).to.be.closeTo(Math.hypot(0.3, 0.4), 1e-12);
    const m = evaluateSequence(res, gt);
    expect(m.normPrecision).to.equal(2 / 3);
    expect(m.normPrecisionCurve[9]).to.equal(1 / 3); // 0.09: only the replaced first frame
    expect(m.normPrecisionCurve[11]).to.equal(2 / 3);
    expect(m.normPrecisionCurve[49]).to.equal(2 / 3);
    expect(m.precision).to.equal(2 / 3); // pixel errors 0, 10, 36.06
  });

  it('replaces result row 1 by ground truth row 1 unless told not to', () => {
    const gt = track(4, moving);
    const res = [[0, 0, 1, 1] as Box, ...gt.slice(1)];
    expect(evaluateSequence(res, gt).auc).to.equal(20 / 21);
    expect(evaluateSequence(res, gt, { replaceFirst: false }).successCurve[0]).to.equal(3 / 4);
  });

  it('leaves frames with invalid ground truth out of numerator and denominator', () => {
    const gt: Box[] = [moving(0), moving(1), [1, 2, 0, 5], [Number.NaN, 2, 3, 4], [1, 2, 3, -1], moving(5)];
    const res: Box[] = gt.map((b, i) => (i === 5 ? [1000, 1000, 4, 4] : b));
    const m = evaluateSequence(res, gt);
    expect(m.evaluatedFrames).to.equal(6);
    expect(m.validFrames).to.equal(3);
    expect(m.successCurve[0]).to.equal(2 / 3); // pysot would give 2/6: invalid frames count as failures there
    expect(m.precision).to.equal(2 / 3); // pysot: (2 + 3) / 6, invalid frames get dist -1 <= 20
    expect(Number.isNaN(m.ious[2])).to.equal(true);
  });

  it('fails NaN predictions at every threshold', () => {
    const gt = track(3, moving);
    const m = evaluateSequence([gt[0]!, [Number.NaN, 0, 1, 1], gt[2]!], gt);
    expect(m.successCurve[0]).to.equal(2 / 3);
    expect(m.precisionCurve[50]).to.equal(2 / 3);
  });

  it('scores over min(result, ground truth) frames and says so', () => {
    const gt = track(10, moving);
    const short = evaluateSequence(gt.slice(0, 6), gt);
    expect([short.resultLength, short.gtLength, short.evaluatedFrames]).to.deep.equal([6, 10, 6]);
    expect(short.auc).to.equal(20 / 21);
    const long = evaluateSequence([...gt, ...track(5, () => [0, 0, 1, 1])], gt);
    expect([long.resultLength, long.evaluatedFrames]).to.deep.equal([15, 10]);
    expect(long.auc).to.equal(20 / 21);
  });

  it('averages curves over sequences, not frames', () => {
    const gtA = track(2, moving);
    const gtB = track(8, moving);
    const resB = gtB.map((b, i): Box => (i < 4 ? b : [b[0] + 100, b[1], b[2], b[3]]));
    const a = evaluateSequence(gtA, gtA);
    const b = evaluateSequence(resB, gtB);
    const all = averageCurves([a, b]);
    expect(all.successCurve[0]).to.equal((1 + 0.5) / 2); // frame-weighted would be 6/10
    expect(all.auc).to.be.closeTo((a.auc + b.auc) / 2, 1e-15);
    expect(all.precision).to.equal((a.precision + b.precision) / 2);
    expect(Number.isNaN(averageCurves([]).auc)).to.equal(true);
  });
});
