import { expect } from 'chai';
import type { FeatureMap, FeatureStack } from '../src/kernels/layout.ts';
import { xcorr } from '../src/kernels/xcorr.ts';
import { xcorrCpu } from '../src/reference/xcorr.ts';
import type { Engine } from '../src/runtime/engine.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { seededArray } from './helpers/random.ts';
import { rejects } from './helpers/rejects.ts';

function map(engine: Engine, data: Float32Array, h: number, w: number, c: number): FeatureMap {
  return { tensor: engine.upload([data.length], 'map', 'f32', data), height: h, width: w, channels: c, pad: 0 };
}

/** The maps one after another, as the pyramid writes them. */
function stack(engine: Engine, maps: Float32Array[], F: number, C: number): FeatureStack {
  const data = new Float32Array(maps.length * F * F * C);
  maps.forEach((m, k) => data.set(m, k * F * F * C));
  return { tensor: engine.upload([data.length], 'stack', 'f32', data), count: maps.length, height: F, width: F, channels: C };
}

describe('xcorr', () => {
  for (const [F, C, ph, pw, lo] of [
    [9, 8, 3, 5, -1],
    [7, 4, 7, 1, -1],
    [45, 300, 19, 11, 0],
    [45, 300, 11, 45, -1],
  ]) {
    it(`${F}x${F}x${C} * ${ph}x${pw} matches the f64 reference (inputs in [${lo}, 1))`, async () => {
      const engine = await gpuEngine();
      // ReLU features are >= 0; the signed case exercises cancellation.
      const xs = [1, 2, 3].map((s) => seededArray(F * F * C, s * 101 + F, lo, 1));
      const z = seededArray(ph * pw * C, 7 + C, lo, 1);
      const search = stack(engine, xs, F, C);
      const template = map(engine, z, ph, pw, C);
      const op = await xcorr(engine, search, template);
      await engine.run(op.steps);
      const got = await op.output.read();
      const { out, magnitude } = xcorrCpu(xs, z, F, C, ph, pw);
      // Each output is one f32 running sum of N/4 vec4 dot products (N = ph pw C): its error is
      // a random walk of ~sqrt(N/4) roundings of 6e-8 x the running sum. The worst of thousands
      // of outputs stays within 4 sigma, 1.2e-7 sqrt(N) x sum|x z| (3e-5 at 19 x 11 x 300;
      // measured 7e-6); the border must be exactly zero.
      const N = ph * pw * C;
      let worst = 0;
      for (let i = 0; i < out.length; i++) {
        const err = Math.abs(got[i] - out[i]);
        const bound = 1.2e-7 * Math.sqrt(N) * magnitude[i];
        expect(err, `element ${i}: got ${got[i]}, want ${out[i]}`).to.be.at.most(bound);
        if (magnitude[i]) worst = Math.max(worst, err / magnitude[i]);
      }
      console.log(`      worst |error| / sum|x z| = ${worst.toExponential(2)} (bound ${(1.2e-7 * Math.sqrt(N)).toExponential(2)})`);
      op.release();
      [search, template].forEach((m) => m.tensor.release());
    });
  }

  it('rejects an even template and mismatched channels', async () => {
    const engine = await gpuEngine();
    const a = stack(engine, [0, 1, 2].map(() => new Float32Array(5 * 5 * 4)), 5, 4);
    const even = map(engine, new Float32Array(2 * 3 * 4), 2, 3, 4);
    const other = map(engine, new Float32Array(3 * 3 * 8), 3, 3, 8);
    await rejects(xcorr(engine, a, even), /template 2x3 must be odd/);
    await rejects(xcorr(engine, a, other), /xcorr: need a stack .* got 3x5x5x4 \* 3x3x8/);
    [a, even, other].forEach((m) => m.tensor.release());
  });
});
