import { expect } from 'chai';
import { featurePyramid, pyramidTaps } from '../src/kernels/feature-pyramid.ts';
import { featurePyramidCpu } from '../src/reference/feature-pyramid.ts';
import { expectClose } from './helpers/close.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { seededArray } from './helpers/random.ts';

describe('feature-pyramid', () => {
  for (const alignCorners of [true, false]) {
    for (const [F, C] of [
      [7, 4],
      [1, 8],
      [45, 300],
    ]) {
      it(`align corners ${alignCorners}: ${F}x${F}x${C} matches the CPU reference`, async () => {
        const engine = await gpuEngine();
        const data = seededArray(F * F * C, F * C + 3, 0, 500);
        const input = { tensor: engine.upload([F * F * C], 'features', 'f32', data), height: F, width: F, channels: C, pad: 0 };
        const pyramid = await featurePyramid(engine, input, alignCorners);
        await engine.run(pyramid.steps);
        const want = featurePyramidCpu(data, F, C, alignCorners);
        const levels = await pyramid.levels.tensor.read();
        const n = F * F * C;
        // Bilinear: 4 f32 products of values below 500 with weights summing to 1; f32 rounding
        // (and FMA contraction) stays within a few ulps of 500, so 1e-4 absolute. Level 2 is a copy.
        expectClose(levels.subarray(0, n), want[0], 1e-4, 0);
        expect(Array.from(levels.subarray(n, 2 * n))).to.deep.equal(Array.from(data));
        expectClose(levels.subarray(2 * n, 3 * n), want[2], 1e-4, 0);
        pyramid.release();
        input.tensor.release();
      });
    }
  }

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
