import { expect } from 'chai';
import { featurePyramid, pyramidTaps } from '../src/kernels/feature-pyramid.ts';
import { batchOffsets } from '../src/kernels/layout.ts';
import { featurePyramidCpu } from '../src/reference/feature-pyramid.ts';
import { expectClose } from './helpers/close.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { seededArray } from './helpers/random.ts';
import { rejects } from './helpers/rejects.ts';

describe('feature-pyramid', () => {
  for (const alignCorners of [true, false]) {
    for (const [F, channels] of [
      [7, [4, 12, 8]],
      [1, [8, 4, 4]],
      [45, [300, 88, 36]],
    ] as [number, number[]][]) {
      it(`align corners ${alignCorners}: ${F}x${F} maps of ${channels} channels in one dispatch match the CPU reference`, async () => {
        const engine = await gpuEngine();
        const data = channels.map((C, k) => seededArray(F * F * C, F * C + 3 + k, 0, 500));
        const { offsets, total } = batchOffsets(data.map((d) => d.length));
        const all = new Float32Array(total);
        data.forEach((d, k) => all.set(d, offsets[k]));
        const tensor = engine.upload([total], 'features', 'f32', all);
        const items = channels.map((C, k) => ({ height: F, width: F, channels: C, pad: 0, offset: offsets[k] }));
        const pyramid = await featurePyramid(engine, { tensor, items }, alignCorners);
        await engine.run(pyramid.steps);
        const levels = await pyramid.levels.tensor.read();
        channels.forEach((C, k) => {
          const want = featurePyramidCpu(data[k], F, C, alignCorners);
          const at = pyramid.levels.items[k].offset;
          const n = F * F * C;
          // Bilinear: 4 f32 products of values below 500 with weights summing to 1; f32 rounding
          // (and FMA contraction) stays within a few ulps of 500, so 1e-4 absolute. Level 2 is a copy.
          expectClose(levels.subarray(at, at + n), want[0], 1e-4, 0);
          expect(Array.from(levels.subarray(at + n, at + 2 * n))).to.deep.equal(Array.from(data[k]));
          expectClose(levels.subarray(at + 2 * n, at + 3 * n), want[2], 1e-4, 0);
        });
        pyramid.release();
        tensor.release();
      });
    }
  }

  it('rejects maps of different sides', async () => {
    const engine = await gpuEngine();
    const tensor = engine.tensor([2 * 5 * 5 * 4], 'features');
    const items = [5, 4].map((F, k) => ({ height: F, width: F, channels: 4, pad: 0, offset: k * 100 }));
    await rejects(featurePyramid(engine, { tensor, items }, true), /feature-pyramid: need square unpadded maps of one side .* got 5x5x4, 4x4x4/);
    tensor.release();
  });

  it('maps grid positions like Matlab linspace(-1,1) and PyTorch align_corners=False', () => {
    // F = 45 -> 47, output 1 (after the crop: grid position 1): align corners 1 * 44/46.
    const a = pyramidTaps(45, true).up;
    expect(a.i0[0] + a.w1[0]).to.be.closeTo(44 / 46, 1e-7);
    // PyTorch: (1 + 0.5) * 45/47 - 0.5.
    const p = pyramidTaps(45, false).up;
    expect(p.i0[0] + p.w1[0]).to.be.closeTo(1.5 * (45 / 47) - 0.5, 1e-6);
    // Level 3's border is the zero pad.
    const d = pyramidTaps(45, false).down;
    expect([d.w0[0], d.w1[0], d.w0[44], d.w1[44]]).to.deep.equal([0, 0, 0, 0]);
  });
});
