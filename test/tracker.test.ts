import { expect } from 'chai';
import type { Frame } from '../src/io/frame.ts';
import { createEngine } from '../src/host/node-engine.ts';
import type { Engine } from '../src/runtime/engine.ts';
import { defaultConfig, type TadtConfig } from '../src/tracker/config.ts';
import type { Box } from '../src/io/box.ts';
import { createTracker, type InitReport, type Tracker, type UpdateResult } from '../src/tracker/tadt.ts';
import { syntheticVggWeights } from '../src/weights/synthetic.ts';
import type { VggWeights } from '../src/weights/vgg.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { boxOf, centreError, scene, type Target } from './helpers/scene.ts';
import { rejection } from './helpers/rejects.ts';

// Frames here are small on purpose: a 100x80 frame with a ~48 px target gives an 84-px search
// window and 21x21 features, several times cheaper on lavapipe than the normal 180/45.

const finite = (b: Box) => b.every(Number.isFinite);

/**
 * Edge-case tests check shapes, errors and finiteness, not accuracy: 20 ridge iterations instead of
 * up to 100 cut the initialisation from ~10 s to ~3 s on lavapipe.
 */
function quickConfig(): TadtConfig {
  const c = defaultConfig();
  c.ridge.iterations = 20;
  return c;
}

/** A target moving (+3, +2) px per frame in 100x80 frames, from (16, 12). */
const EASY = Array.from({ length: 8 }, (_, k): Target => ({ x: 16 + 3 * k, y: 12 + 2 * k, w: 48, h: 48, seed: 11 }));
const easyFrames = EASY.map((t) => scene(100, 80, [t]));

describe('tracker', () => {
  let engine: Engine;
  let weights: VggWeights;
  before(async () => {
    engine = await gpuEngine();
    weights = syntheticVggWeights();
  });

  describe('on an easy sequence (100x80 frames, default config)', () => {
    let tracker: Tracker;
    let report: InitReport;
    const results: UpdateResult[] = [];
    const counts = { prepare: 0, bindGroups: 0, buffers: 0 };
    const snapshots: number[][] = [];
    const unpatch: (() => void)[] = [];

    before(async () => {
      // Counted at the source: every dispatch goes through engine.prepare, every GPU object through the device.
      const prepare = engine.prepare.bind(engine);
      engine.prepare = (spec) => (counts.prepare++, prepare(spec));
      const device = engine.device;
      const createBindGroup = device.createBindGroup.bind(device);
      device.createBindGroup = (d) => (counts.bindGroups++, createBindGroup(d));
      const createBuffer = device.createBuffer.bind(device);
      device.createBuffer = (d) => (counts.buffers++, createBuffer(d));
      unpatch.push(
        () => delete (engine as Partial<Engine>).prepare,
        () => delete (device as Partial<GPUDevice>).createBindGroup,
        () => delete (device as Partial<GPUDevice>).createBuffer,
      );
      tracker = await createTracker(engine, { weights });
      report = await tracker.init(easyFrames[0], boxOf(EASY[0]));
      for (const frame of easyFrames.slice(1)) {
        results.push(await tracker.update(frame));
        const { pipelines, pool } = engine;
        snapshots.push([pipelines.created, pool.bytesInUse, pool.buffersCreated, counts.prepare, counts.bindGroups, counts.buffers]);
      }
    });
    after(() => {
      unpatch.forEach((f) => f());
      tracker?.dispose();
    });

    it('uses the small-frame geometry: window 84, 21x21 features, 13x13 template', () => {
      expect(report).to.include({ reScale: 1, window: 84, featureSide: 21, syntheticWeights: true });
      expect(report.template).to.deep.equal([13, 13]);
      expect(report.warnings).to.deep.equal([]);
      expect(report.ranking.skipped).to.equal(false);
    });

    it('follows the moving target within 1.5 px and keeps its size', () => {
      results.forEach((r, i) => {
        expect(finite(r.box), `frame ${i + 2}`).to.equal(true);
        expect(centreError(r.box, EASY[i + 1]), `frame ${i + 2}: ${r.box}`).to.be.below(1.5);
        expect(r.box[2] / 48, `frame ${i + 2} width`).to.be.within(0.9, 1.1);
      });
    });

    it('compiles, prepares and allocates nothing per frame after warm-up (frames 3..8)', () => {
      const names = ['pipelines.created', 'pool.bytesInUse', 'pool.buffersCreated', 'engine.prepare calls', 'createBindGroup calls', 'createBuffer calls'];
      for (const [k, s] of snapshots.entries()) {
        names.forEach((name, i) => expect(s[i], `${name} after frame ${k + 2}`).to.equal(snapshots[0][i]));
      }
    });

    it('runs two trackers on one engine without interference (bit-identical boxes to the solo run)', async () => {
      // B: a different frame size, texture and motion, so that no plan can be shared by accident.
      const other = Array.from({ length: 4 }, (_, k): Target => ({ x: 40 - 2 * k, y: 30 - 3 * k, w: 44, h: 50, seed: 99 }));
      const a = await createTracker(engine, { weights });
      const b = await createTracker(engine, { weights, config: quickConfig() });
      try {
        await a.init(easyFrames[0], boxOf(EASY[0]));
        await b.init(scene(96, 88, [other[0]]), boxOf(other[0]));
        for (let k = 1; k < easyFrames.length; k++) {
          expect((await a.update(easyFrames[k])).box, `A frame ${k + 1}`).to.deep.equal(results[k - 1].box);
          if (k >= other.length) continue;
          const rb = await b.update(scene(96, 88, [other[k]]));
          expect(centreError(rb.box, other[k]), `B frame ${k + 1}: ${rb.box}`).to.be.below(2);
        }
      } finally {
        a.dispose();
        b.dispose();
      }
    });
  });

  describe('lifecycle', () => {
    it('rejects update() before init()', async () => {
      const t = await createTracker(engine, { weights });
      expect((await rejection(t.update(easyFrames[0]))).message).to.match(/update\(\) before tracker\.init\(\)/);
    });

    it('frees its pool memory on dispose; the tracker and the engine stay usable', async () => {
      const base = engine.pool.bytesInUse;
      const t = await createTracker(engine, { weights, config: quickConfig() });
      await t.init(easyFrames[0], boxOf(EASY[0]));
      expect(engine.pool.bytesInUse).to.be.above(base);
      t.dispose();
      t.dispose();
      expect(engine.pool.bytesInUse).to.equal(base);
      expect(t.state).to.equal(null);
      expect((await rejection(t.update(easyFrames[1]))).message).to.match(/before tracker\.init/);
      await t.init(easyFrames[0], boxOf(EASY[0]));
      expect(centreError((await t.update(easyFrames[1])).box, EASY[1])).to.be.below(1.5);
      t.dispose();
      expect(engine.pool.bytesInUse).to.equal(base);
    });

    it('frees everything and stays uninitialised when init fails half-way', async () => {
      const base = engine.pool.bytesInUse;
      const t = await createTracker(engine, { weights, config: quickConfig() });
      // The template is extracted late, with the frame resize, backbone, crop, selection and balance built.
      const run = engine.run.bind(engine);
      engine.run = (steps, options) => (options?.label === 'template' ? Promise.reject(new Error('injected')) : run(steps, options));
      try {
        expect((await rejection(t.init(easyFrames[0], boxOf(EASY[0])))).message).to.equal('injected');
      } finally {
        delete (engine as Partial<Engine>).run;
      }
      expect(engine.pool.bytesInUse).to.equal(base);
      expect(t.state).to.equal(null);
      expect((await rejection(t.update(easyFrames[1]))).message).to.match(/before tracker\.init/);
    });

    it('fails clearly on a destroyed engine', async () => {
      const own = await createEngine();
      await own.destroy();
      const t = await createTracker(own, { weights });
      expect((await rejection(t.init(easyFrames[0], boxOf(EASY[0])))).message).to.match(/the engine was destroyed/);
    });

    it('rejects a maxWindow that is not a positive whole number', async () => {
      const config = quickConfig();
      config.maxWindow = 0;
      expect((await rejection(createTracker(engine, { weights, config }))).message).to.match(/maxWindow 0/);
      config.maxWindow = 2.5;
      expect((await rejection(createTracker(engine, { weights, config }))).message).to.match(/maxWindow 2\.5/);
    });
  });

  describe('init box', () => {
    it('rejects zero, negative and non-finite sizes, naming the box', async () => {
      const t = await createTracker(engine, { weights });
      const cases: [Box, RegExp][] = [
        [[10, 10, 0, 20], /init box \[10, 10, 0, 20\] has zero or negative size \(w=0, h=20\)/],
        [[10, 10, 20, -5], /init box \[10, 10, 20, -5\] has zero or negative size \(w=20, h=-5\)/],
        [[NaN, 10, 20, 20], /init box \[NaN, 10, 20, 20\] must be 4 finite numbers/],
        [[10, 10, Infinity, 20], /init box \[10, 10, Infinity, 20\] must be 4 finite numbers/],
      ];
      for (const [box, message] of cases) expect((await rejection(t.init(easyFrames[0], box))).message).to.match(message);
      expect(t.state).to.equal(null);
    });

    it('rejects a box entirely outside the frame, naming it and the frame size', async () => {
      const t = await createTracker(engine, { weights });
      for (const box of [[100, 10, 20, 20], [-20, 10, 20, 20], [10, 80, 5, 5], [10, -5, 5, 5]] as Box[]) {
        const e = await rejection(t.init(easyFrames[0], box));
        expect(e.message).to.contain(`init box [${box.join(', ')}] (0-based) lies entirely outside the 100x80 first frame`);
      }
    });

    it('tracks a target partly outside the frame and touching its bottom edge', async () => {
      const path = Array.from({ length: 4 }, (_, k): Target => ({ x: -8 + 4 * k, y: 32, w: 48, h: 48, seed: 5 }));
      const t = await createTracker(engine, { weights, config: quickConfig() });
      try {
        await t.init(scene(100, 80, [path[0]]), boxOf(path[0]));
        for (const target of path.slice(1)) {
          const r = await t.update(scene(100, 80, [target]));
          expect(centreError(r.box, target), `${r.box} vs ${boxOf(target)}`).to.be.below(2.5);
        }
      } finally {
        t.dispose();
      }
    });

    it('tracks a tiny 3x3 target (the frame is rescaled by 44/3)', async () => {
      const path: Target[] = [
        { x: 2, y: 3, w: 3, h: 3, seed: 3, block: 1 },
        { x: 3, y: 3, w: 3, h: 3, seed: 3, block: 1 },
        { x: 3, y: 2, w: 3, h: 3, seed: 3, block: 1 },
      ];
      const t = await createTracker(engine, { weights, config: quickConfig() });
      try {
        const report = await t.init(scene(8, 8, [path[0]]), boxOf(path[0]));
        expect(report.reScale).to.be.closeTo(44 / 3, 1e-12);
        // 8 px -> 118 rescaled, so the window is the image side moved up to 4(2k+1); 3 px -> 44 px -> 11 cells.
        expect([report.window, report.featureSide, ...report.template]).to.deep.equal([124, 31, 11, 11]);
        for (const target of path.slice(1)) {
          const r = await t.update(scene(8, 8, [target]));
          expect(centreError(r.box, target), `${r.box}`).to.be.below(0.5);
          expect(r.box[2]).to.be.within(2.7, 3.3);
        }
      } finally {
        t.dispose();
      }
    });

    it('rejects a tiny target in a large frame whose rescaled copy exceeds the GPU limit, allocating nothing', async () => {
      const t = await createTracker(engine, { weights, config: quickConfig() });
      await t.init(easyFrames[0], boxOf(EASY[0]));
      const base = engine.pool.bytesInUse;
      // 1 px -> 44: 3000x3000 becomes 132000x132000, 49 GB, beyond any device's buffer limit.
      const big = { width: 3000, height: 3000, data: new Uint8Array(3000 * 3000) };
      const e = await rejection(t.init(big, [1500, 1500, 1, 1]));
      expect(e).to.be.instanceOf(RangeError);
      expect(e.message).to.match(/^init box \[1500, 1500, 1, 1\] in a 3000x3000 frame: TADT rescales the whole frame by 44\.000 /);
      expect(e.message).to.match(/ to 132000x132000, which needs 49850 MB, more than this device's \d+ MB buffer limit\. /);
      expect(e.message).to.match(/Crop the frames around the target or use a larger box\.$/);
      expect(engine.pool.bytesInUse).to.equal(base);
      // Rejected before the previous sequence was dropped.
      expect(centreError((await t.update(easyFrames[1])).box, EASY[1])).to.be.below(1.5);
      t.dispose();
    });

    it('tracks a whole-frame target: template clamped to the map, ranking skipped', async () => {
      const whole: Target = { x: 0, y: 0, w: 100, h: 80, seed: 8 };
      const frame = scene(100, 80, [whole]);
      const t = await createTracker(engine, { weights, config: quickConfig() });
      try {
        const report = await t.init(frame, boxOf(whole));
        // sqrt(100*80) = 89.4 -> 59: the frame becomes 66x53 and the window 60 (15 cells).
        expect([report.window, report.featureSide, ...report.template]).to.deep.equal([60, 15, 13, 15]);
        expect(report.warnings[0]).to.equal('template clamped to the 15-cell feature map');
        expect(report.warnings[1]).to.match(/^ranking skipped: kernel 15x17 on a 15-cell map gives 0 samples/);
        const r = await t.update(frame);
        expect(finite(r.box)).to.equal(true);
        r.box.forEach((v, i) => expect(v, `box[${i}] ${r.box}`).to.be.closeTo(boxOf(whole)[i], 4));
      } finally {
        t.dispose();
      }
    });

    it('tracks a 4x200 target in a 240-high frame: ranking skipped with a warning, boxes finite', async () => {
      // The references crash (P: no ranking pairs) or produce NaN scores (M) here (spec 9).
      const path = Array.from({ length: 3 }, (_, k): Target => ({ x: 28 + k, y: 20, w: 4, h: 200, seed: 4, block: 4 }));
      const t = await createTracker(engine, { weights, config: quickConfig() });
      try {
        const report = await t.init(scene(60, 240, [path[0]]), boxOf(path[0]));
        expect(report.template).to.deep.equal([report.featureSide, 1]);
        expect(report.ranking.skipped).to.equal(true);
        expect(report.warnings.some((w) => /^ranking skipped: kernel 27x3 on a 25-cell map gives 0 samples/.test(w))).to.equal(true);
        expect(report.selection.conv41.length + report.selection.conv43.length).to.be.above(0);
        for (const target of path.slice(1)) {
          const r = await t.update(scene(60, 240, [target]));
          expect(finite(r.box), `${r.box}`).to.equal(true);
          expect(centreError(r.box, target), `${r.box}`).to.be.below(3);
        }
      } finally {
        t.dispose();
      }
    });
  });

  describe('frames', () => {
    let t: Tracker;
    // Grey values in every channel, so the grey and RGBA forms carry exactly the same pixels.
    const greyScene = (target: Target) => {
      const f = scene(100, 80, [target]);
      for (let i = 0; i < f.data.length; i += 3) f.data.fill(f.data[i + 1], i, i + 3);
      return f;
    };
    const grey = (f: Frame): Frame => ({ ...f, data: f.data.filter((_, i) => i % 3 === 0) });
    const rgba = (f: Frame): Frame => {
      const data = new Uint8Array((f.data.length / 3) * 4).fill(255);
      for (let p = 0; p < f.data.length / 3; p++) data.set(f.data.subarray(p * 3, p * 3 + 3), p * 4);
      return { ...f, data };
    };
    before(async () => {
      t = await createTracker(engine, { weights, config: quickConfig() });
    });
    after(() => t.dispose());

    it('accepts grey (1 byte/pixel) and RGBA (4) frames: the same boxes as RGB', async () => {
      const frames = EASY.slice(0, 3).map(greyScene);
      await t.init(frames[0], boxOf(EASY[0]));
      const rgbBoxes = [(await t.update(frames[1])).box, (await t.update(frames[2])).box];
      await t.init(grey(frames[0]), boxOf(EASY[0]));
      expect((await t.update(rgba(frames[1]))).box).to.deep.equal(rgbBoxes[0]);
      expect((await t.update(grey(frames[2]))).box).to.deep.equal(rgbBoxes[1]);
      expect(centreError(rgbBoxes[1], EASY[2])).to.be.below(2);
    });

    it('rejects data whose length fits no layout, naming the sizes', async () => {
      const e = await rejection(t.update({ width: 100, height: 80, data: new Uint8Array(100 * 80 * 2) }));
      expect(e.message).to.equal(
        'frame data has 16000 bytes, which fits no layout of a 100x80 frame: expected 24000 (RGB), 8000 (grey) or 32000 (RGBA)',
      );
      expect((await rejection(t.update({ width: 0, height: 80, data: new Uint8Array(0) }))).message).to.match(/frame size 0x80/);
    });

    it('refuses a second update() while one is running', async () => {
      const first = t.update(greyScene(EASY[3]));
      const e = await rejection(t.update(greyScene(EASY[3])));
      expect(e.message).to.equal('tracker.update() while a previous init()/update() is still running: await each call');
      expect(centreError((await first).box, EASY[3])).to.be.below(2);
    });

    it('rejects a frame of another size mid-sequence, naming both sizes, and then carries on', async () => {
      const state = { ...t.state! };
      const e = await rejection(t.update(scene(96, 80, [EASY[4]])));
      expect(e.message).to.equal('frame is 96x80, but the sequence started with 100x80 frames');
      expect(t.state).to.deep.equal(state);
      const r = await t.update(greyScene(EASY[4]));
      expect(centreError(r.box, EASY[4])).to.be.below(2);
    });
  });

  describe('search window', () => {
    // The weights force the growth branch every frame; a growth factor of 1.25 instead of 45/43
    // makes S pass 10x the frame in 14 frames instead of ~50.
    function growing(): TadtConfig {
      const c = quickConfig();
      c.pyramid.weights = [0.5, 0.5, 2];
      c.pyramid.scales = [45 / 47, 1, 1.25];
      return c;
    }

    it('keeps working as S grows past 10x the frame, without S x S buffers', async () => {
      const t = await createTracker(engine, { weights, config: growing() });
      try {
        await t.init(easyFrames[0], boxOf(EASY[0]));
        const base = engine.pool.bytesInUse;
        let grown = 0;
        let S = 84;
        for (let k = 1; k <= 14; k++) {
          const r = await t.update(easyFrames[Math.min(k, 7)]);
          grown = Math.max(grown, engine.pool.bytesInUse - base);
          expect(r.window, `frame ${k + 1}`).to.equal(S);
          expect(r.scaleIndex).to.equal(2);
          expect(finite(r.box) && r.peaks.every((p) => Number.isFinite(p.max)), `frame ${k + 1}: ${r.box}`).to.equal(true);
          S = Math.round(S * 1.25);
        }
        expect(t.state!.window).to.equal(S).and.to.be.above(10 * 100);
        // Three S x S f32 maps would be S*S*12 bytes (~44 MB); the peak search keeps O(S*F).
        expect(grown).to.be.below(S * S * 4);
      } finally {
        t.dispose();
      }
    });

    it('clamps S at maxWindow, from its own copy of the config', async () => {
      const config = growing();
      config.maxWindow = 120;
      const t = await createTracker(engine, { weights, config });
      config.maxWindow = null; // the tracker took a copy
      try {
        await t.init(easyFrames[0], boxOf(EASY[0]));
        const windows: number[] = [];
        for (let k = 1; k <= 4; k++) windows.push((await t.update(easyFrames[k])).window);
        expect(windows).to.deep.equal([84, 105, 120, 120]);
        expect(t.state!.window).to.equal(120);
      } finally {
        t.dispose();
      }
    });
  });
});
