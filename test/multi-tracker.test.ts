import { expect } from 'chai';
import type { Box } from '../src/io/box.ts';
import type { Frame } from '../src/io/frame.ts';
import type { Engine } from '../src/runtime/engine.ts';
import { defaultConfig, type TadtConfig } from '../src/tracker/config.ts';
import { createMultiTracker } from '../src/tracker/multi.ts';
import { createTracker, type Tracker } from '../src/tracker/tadt.ts';
import { syntheticVggWeights } from '../src/weights/synthetic.ts';
import type { VggWeights } from '../src/weights/vgg.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { boxOf, scene, type Target } from './helpers/scene.ts';
import { rejection } from './helpers/rejects.ts';

// Small frames (96x72) keep the windows small (76-108 px instead of 180) and 20 ridge iterations
// keep each initialisation to a few seconds on lavapipe.
function quickConfig(): TadtConfig {
  const c = defaultConfig();
  c.ridge.iterations = 20;
  return c;
}

const FRAMES = 5;
const path = (x: number, y: number, w: number, h: number, dx: number, dy: number, seed: number) =>
  Array.from({ length: FRAMES }, (_, k): Target => ({ x: x + dx * k, y: y + dy * k, w, h, seed }));
// A: rescaled by 1.1, window 84. B: scale 1, window 76. C: rescaled by 44/30, window 108, and
// leaving the frame on the right. Two rescale factors besides 1 and three window sides.
const A = path(8, 8, 40, 40, 2, 1, 21);
const B = path(50, 20, 44, 48, -1, 2, 22);
const C = path(60, 36, 30, 30, 7, 4, 23);
const frames: Frame[] = Array.from({ length: FRAMES }, (_, k) => scene(96, 72, [A[k], B[k], C[k]]));

/** A single-target tracker's boxes for frames start+1.. from `box` on frame `start`. */
async function soloBoxes(engine: Engine, weights: VggWeights, box: Box, start = 0): Promise<Box[]> {
  const t = await createTracker(engine, { weights, config: quickConfig() });
  try {
    await t.init(frames[start], box);
    const boxes: Box[] = [];
    for (const frame of frames.slice(start + 1)) boxes.push((await t.update(frame)).box);
    return boxes;
  } finally {
    t.dispose();
  }
}

describe('multi-target tracker', () => {
  let engine: Engine;
  let weights: VggWeights;
  const solo: Record<'A' | 'B' | 'C', Box[]> = { A: [], B: [], C: [] };
  before(async () => {
    engine = await gpuEngine();
    weights = syntheticVggWeights();
    solo.A = await soloBoxes(engine, weights, boxOf(A[0]));
    solo.B = await soloBoxes(engine, weights, boxOf(B[0]));
    solo.C = await soloBoxes(engine, weights, boxOf(C[0]));
  });

  it('gives each target the boxes a single-target run gives it: mixed windows and rescales, a duplicate box, a target leaving the frame', async () => {
    const multi = await createMultiTracker(engine, { weights, config: quickConfig() });
    try {
      // B twice: duplicate (so overlapping) boxes are allowed, and B's two copies share a batch.
      const prepared: string[] = [];
      const prepare = engine.prepare.bind(engine);
      engine.prepare = (spec) => (prepared.push(spec.op), prepare(spec));
      let reports;
      try {
        reports = await multi.init(frames[0], [boxOf(A[0]), boxOf(B[0]), boxOf(C[0]), boxOf(B[0])]);
      } finally {
        engine.prepare = prepare;
      }
      expect(reports.map((r) => [r.target, r.window])).to.deep.equal([[1, 84], [2, 76], [3, 108], [4, 76]]);
      // Three window sides, three batches: the correlation ops are prepared once per batch, not per target.
      const count = (op: string) => prepared.filter((name) => name === op).length;
      expect(['feature-pyramid', 'xcorr', 'response-peak pass 2'].map(count)).to.deep.equal([3, 3, 3]);
      const got: Box[][] = [[], [], [], []];
      for (const frame of frames.slice(1)) {
        const results = await multi.update(frame);
        expect(results.map((r) => r.target)).to.deep.equal([1, 2, 3, 4]);
        results.forEach((r, i) => got[i].push(r.box));
      }
      // The same arithmetic per target (a batch computes each window's maps bit for bit as alone,
      // and the union of conv4_3 channels holds each target's channels unchanged): equal, not close.
      expect(got[0]).to.deep.equal(solo.A);
      expect(got[1]).to.deep.equal(solo.B);
      expect(got[2]).to.deep.equal(solo.C);
      expect(got[3]).to.deep.equal(solo.B);
      expect(got[2].at(-1)![0] + got[2].at(-1)![2], 'C reaches past the right edge').to.be.above(96);
    } finally {
      multi.dispose();
    }
  });

  it('adds and removes targets between frames; the others carry on unchanged, and dispose frees everything', async () => {
    const before = engine.pool.bytesInUse;
    const multi = await createMultiTracker(engine, { weights, config: quickConfig() });
    try {
      await multi.init(frames[0], [boxOf(A[0]), boxOf(B[0])]);
      const r1 = await multi.update(frames[1]);
      expect(r1.map((r) => r.box)).to.deep.equal([solo.A[0], solo.B[0]]);
      const added = await multi.add(frames[1], boxOf(C[1]));
      expect(added.target).to.equal(3);
      const r2 = await multi.update(frames[2]);
      expect(r2.map((r) => r.target)).to.deep.equal([1, 2, 3]);
      expect(r2[0].box).to.deep.equal(solo.A[1]);
      expect(r2[1].box).to.deep.equal(solo.B[1]);
      await multi.remove(1);
      expect(multi.targets).to.deep.equal([2, 3]);
      const lateC: Box[] = [r2[2].box];
      for (const frame of frames.slice(3)) {
        const [b, c] = await multi.update(frame);
        expect(b.box).to.deep.equal(solo.B[frames.indexOf(frame) - 1]);
        lateC.push(c.box);
      }
      expect(lateC).to.deep.equal(await soloBoxes(engine, weights, boxOf(C[1]), 1));
      expect((await rejection(multi.remove(1))).message).to.equal('no target 1 (targets: 2, 3)');
    } finally {
      multi.dispose();
    }
    expect(engine.pool.bytesInUse).to.equal(before);
  });

  it('rejects zero targets and a bad box naming the target, keeping the previous sequence', async () => {
    const multi = await createMultiTracker(engine, { weights, config: quickConfig() });
    try {
      expect((await rejection(multi.init(frames[0], []))).message).to.equal('init: no target boxes (at least one is needed)');
      expect((await rejection(multi.update(frames[1]))).message).to.equal('tracker.update() before tracker.init()');
      await multi.init(frames[0], [boxOf(B[0])]);
      const bad = await rejection(multi.init(frames[0], [boxOf(A[0]), [10, 10, 0, 5]]));
      expect(bad.message).to.match(/^target 2: init box \[10, 10, 0, 5\]/);
      const outside = await rejection(multi.add(frames[0], [200, 10, 5, 5]));
      expect(outside.message).to.match(/^target 2: init box \[200, 10, 5, 5\] \(0-based\) lies entirely outside the 96x72 first frame/);
      expect((await multi.update(frames[1])).map((r) => r.box)).to.deep.equal([solo.B[0]]);
    } finally {
      multi.dispose();
    }
  });

  it('names the target whose ranking branch is skipped', async () => {
    // A whole-frame target: the template fills the 15-cell map and the ranking branch has no samples.
    const whole: Target = { x: 0, y: 0, w: 100, h: 80, seed: 8 };
    const normal: Target = { x: 30, y: 20, w: 44, h: 44, seed: 9 };
    const multi = await createMultiTracker(engine, { weights, config: quickConfig() });
    try {
      const reports = await multi.init(scene(100, 80, [whole, normal]), [boxOf(normal), boxOf(whole)]);
      expect(reports[0].warnings).to.deep.equal([]);
      expect(reports[1].ranking.skipped).to.equal(true);
      expect(reports[1].warnings.some((w) => /^target 2: ranking skipped: /.test(w)), reports[1].warnings.join('; ')).to.equal(true);
    } finally {
      multi.dispose();
    }
  });
  it('draws each target\'s own response maps from its slice of the batch, as a single-target run draws them', async () => {
    const options = { weights, config: quickConfig(), responseMaps: true };
    // B and a copy of it 20 px to the left: same window side, so one batch (slots 0 and 1), with
    // different maps; A, another side, has a batch of its own.
    const [x, y, w, h] = boxOf(B[0]);
    const boxes: Box[] = [boxOf(A[0]), [x, y, w, h], [x - 20, y, w, h]];
    const own: NonNullable<Awaited<ReturnType<Tracker['update']>>['responseMaps']>[] = [];
    for (const box of boxes) {
      const solo = await createTracker(engine, options);
      try {
        await solo.init(frames[0], box);
        own.push((await solo.update(frames[1])).responseMaps!);
      } finally {
        solo.dispose();
      }
    }
    expect([...own[1][0].data]).not.to.deep.equal([...own[2][0].data]);
    const multi = await createMultiTracker(engine, options);
    try {
      await multi.init(frames[0], boxes);
      const results = await multi.update(frames[1]);
      results.forEach(({ responseMaps }, k) => {
        expect(responseMaps!.map((m) => [m.width, m.height])).to.deep.equal(own[k].map((m) => [m.width, m.height]));
        responseMaps!.forEach((m, level) => expect([...m.data], `target ${k}, level ${level}`).to.deep.equal([...own[k][level].data]));
      });
    } finally {
      multi.dispose();
    }
  });
});
