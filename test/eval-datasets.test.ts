import { expect } from 'chai';
import { join } from 'node:path';
import { got10kIous, got10kScores } from '../src/eval/got10k.ts';
import type { Box } from '../src/io/box.ts';
import { evaluateSequence } from '../src/eval/metrics.ts';
import { evaluate, formatTable } from '../src/eval/report.ts';
import { tempDir } from './helpers/temp.ts';
import { boxLines, frameFiles, writeTree } from './helpers/tree.ts';

const NAN: Box = [NaN, NaN, NaN, NaN];
const SQ: Box = [0, 0, 10, 10];

describe('eval/metrics: frames without a usable target', () => {
  // Four frames, a perfect tracker, frame 2 unusable. Success is 1 for t < 1 on a usable frame and 0 at t = 1.
  const gt: Box[] = [SQ, NAN, SQ, SQ];
  const result: Box[] = [SQ, SQ, SQ, SQ];

  it("'exclude' drops the frame, 'miss' and 'otb-toolkit' keep it in the denominator", () => {
    const ex = evaluateSequence(result, gt);
    expect([ex.auc, ex.precision, ex.normPrecision, ex.validFrames]).to.deep.equal([20 / 21, 1, 1, 3]);
    const miss = evaluateSequence(result, gt, { invalidFrames: 'miss' });
    expect(miss.auc).to.be.closeTo((20 * 0.75) / 21, 1e-12);
    expect([miss.precision, miss.normPrecision]).to.deep.equal([0.75, 0.75]);
    const otb = evaluateSequence(result, gt, { invalidFrames: 'otb-toolkit' });
    expect(otb.auc).to.be.closeTo((20 * 0.75) / 21, 1e-12); // a miss on the success curve...
    expect([otb.precision, otb.normPrecision]).to.deep.equal([1, 1]); // ...and a hit on both precision curves
  });

  it('treats a frame marked not visible like one without ground truth', () => {
    const all: Box[] = [SQ, SQ, SQ, SQ];
    const visible = [true, false, true, true];
    expect(evaluateSequence(result, all, { visible }).validFrames).to.equal(3);
    expect(evaluateSequence(result, all, { visible, invalidFrames: 'miss' }).precision).to.equal(0.75);
  });
});

describe('eval/got10k: AO and SR', () => {
  it('scores frames 2..N with cover > 0, boxes clipped to the image', () => {
    const gt: Box[] = [SQ, SQ, SQ, SQ, [90, 0, 10, 10]];
    const result: Box[] = [[50, 50, 1, 1], SQ, [5, 0, 10, 10], [50, 50, 10, 10], [95, 0, 10, 10]];
    // Frame 1 is the init frame (left out), frame 4 has cover 0. Frame 2: 50 / 150. Frame 5: the box
    // [95,0,10,10] clipped to the 100-px image is [95,0,5,10]: 50 / (100 + 50 - 50) = 0.5 (unclipped: 1/3).
    const ious = got10kIous(result, gt, [true, true, true, false, true], [100, 100]);
    expect(ious).to.have.length(3);
    expect(ious[0]).to.equal(1);
    expect(ious[1]).to.be.closeTo(1 / 3, 1e-12);
    expect(ious[2]).to.be.closeTo(0.5, 1e-12);
    const s = got10kScores(ious);
    expect(s.ao).to.be.closeTo((1 + 1 / 3 + 0.5) / 3, 1e-12);
    expect([s.sr50, s.sr75, s.frames]).to.deep.equal([1 / 3, 1 / 3, 3]); // 0.5 is not > 0.5
  });
});

describe('eval report on GOT-10k, LaSOT and UAV123 layouts', () => {
  it('GOT-10k val: reads <seq>/<seq>_001.txt results, pools AO over sequences', () => {
    const a = 'GOT-10k_Val_000001';
    const b = 'GOT-10k_Val_000002';
    const root = writeTree(join(tempDir(), 'val'), {
      'list.txt': `${a}\n${b}\n`,
      ...frameFiles(a, 5, 8),
      [`${a}/groundtruth.txt`]: boxLines([SQ, SQ, SQ, SQ, [90, 0, 10, 10]]),
      [`${a}/cover.label`]: '8\n8\n8\n0\n8\n',
      [`${a}/meta_info.ini`]: '[METAINFO]\nresolution: (100, 100)\n',
      ...frameFiles(b, 3, 8),
      [`${b}/groundtruth.txt`]: boxLines([[20, 20, 10, 10], [20, 20, 10, 10], [20, 20, 10, 10]]),
      [`${b}/cover.label`]: '8\n8\n8\n',
      [`${b}/meta_info.ini`]: '[METAINFO]\nresolution: (100, 100)\n',
    });
    const results = writeTree(tempDir(), {
      [`${a}/${a}_001.txt`]: boxLines([[50, 50, 1, 1], SQ, [5, 0, 10, 10], [50, 50, 10, 10], [95, 0, 10, 10]]),
      [`${a}/${a}_time.txt`]: '0.5\n0.1\n0.1\n0.1\n0.1\n',
      [`${b}/${b}_001.txt`]: boxLines([[20, 20, 10, 10], [20, 20, 10, 10], [20, 25, 10, 10]]),
    });
    const report = evaluate({ datasetRoot: root, layout: 'got10k', trackers: [{ name: 'T', resultsDir: results }] });
    expect(report.sequences).to.deep.equal([a, b]);
    const t = report.trackers[0]!;
    // AO pools the IoUs [1, 1/3, 0.5] (a) and [1, 1/3] (b); SR0.5 and SR0.75 count the two 1s.
    expect(t.got10k!.overall.ao).to.be.closeTo((1 + 1 / 3 + 0.5 + 1 + 1 / 3) / 5, 1e-12);
    expect([t.got10k!.overall.sr50, t.got10k!.overall.sr75]).to.deep.equal([0.4, 0.4]);
    expect(t.got10k!.sequences[a]!.ao).to.be.closeTo((1 + 1 / 3 + 0.5) / 3, 1e-12);
    // Success AUC, OTB-style, frames with cover 0 left out, no clipping: a scores IoUs [1, 1, 1/3, 1/3]
    // (7 thresholds below 1/3 at 1, 13 more at 0.5), b [1, 1, 1/3] (7 at 1, 13 at 2/3).
    expect(t.overall.auc).to.be.closeTo(((7 + 13 * 0.5) / 21 + (7 + (13 * 2) / 3) / 21) / 2, 1e-12);
    expect(formatTable(report)).to.match(/\|\s+AO\s+\|\s+SR0\.5\s+\|\s+SR0\.75\s+\|/).and.match(/\|\s+0\.633\s+\|\s+0\.400\s+\|\s+0\.400\s+\|/);
  });

  it('GOT-10k test: says only the server can score it', () => {
    const a = 'GOT-10k_Test_000001';
    const root = writeTree(join(tempDir(), 'test'), { 'list.txt': `${a}\n`, ...frameFiles(a, 3, 8), [`${a}/groundtruth.txt`]: boxLines([SQ]) });
    const results = writeTree(tempDir(), { [`${a}/${a}_001.txt`]: boxLines([SQ, SQ, SQ]) });
    expect(() => evaluate({ datasetRoot: root, layout: 'got10k', trackers: [{ name: 'T', resultsDir: results }] })).to.throw(
      /test split gives only the first box; only the GOT-10k server can score it/,
    );
  });

  it('LaSOT: occluded and out-of-view frames are misses', () => {
    const root = writeTree(tempDir(), {
      ...frameFiles('cat/cat-1/img', 4, 8),
      'cat/cat-1/groundtruth.txt': boxLines([SQ, SQ, SQ, SQ]),
      'cat/cat-1/full_occlusion.txt': '0,0,1,0',
      'cat/cat-1/out_of_view.txt': '0,0,0,1',
    });
    const results = writeTree(tempDir(), { 'cat-1.txt': boxLines([SQ, SQ, SQ, SQ]) });
    const m = evaluate({ datasetRoot: root, layout: 'lasot', trackers: [{ name: 'T', resultsDir: results }] }).trackers[0]!.overall;
    expect(m.auc).to.be.closeTo((20 * 0.5) / 21, 1e-12);
    expect([m.precision, m.normPrecision]).to.deep.equal([0.5, 0.5]);
  });

  it('UAV123: NaN frames miss on success and hit on precision', () => {
    const root = writeTree(tempDir(), {
      ...frameFiles('data_seq/UAV123/uav2', 4, 6),
      'anno/UAV123/uav2.txt': boxLines([SQ, NAN, SQ, SQ]),
    });
    const results = writeTree(tempDir(), { 'uav2.txt': boxLines([SQ, SQ, SQ, SQ]) });
    const m = evaluate({ datasetRoot: root, layout: 'uav123', trackers: [{ name: 'T', resultsDir: results }] }).trackers[0]!.overall;
    expect(m.auc).to.be.closeTo((20 * 0.75) / 21, 1e-12);
    expect([m.precision, m.normPrecision]).to.deep.equal([1, 1]);
  });
});
