import { expect } from 'chai';
import { type Batch, batchOffsets } from '../src/kernels/layout.ts';
import { xcorr } from '../src/kernels/xcorr.ts';
import { xcorrCpu } from '../src/reference/xcorr.ts';
import type { Engine } from '../src/runtime/engine.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { seededArray } from './helpers/random.ts';
import { rejects } from './helpers/rejects.ts';

/** Maps of these sizes one after another in one tensor, as the batched kernels lay them out. */
function batchOf<Shape>(engine: Engine, data: Float32Array[], shapes: Shape[]): Batch<Shape> {
  const { offsets, total } = batchOffsets(data.map((d) => d.length));
  const all = new Float32Array(total);
  data.forEach((d, k) => all.set(d, offsets[k]));
  return { tensor: engine.upload([total], 'batch', 'f32', all), items: shapes.map((s, k) => ({ ...s, offset: offsets[k] })) };
}

/** [C, ph, pw] per target. */
type Case = [number, number, number];

describe('xcorr', () => {
  for (const [F, lo, targets] of [
    [9, -1, [[8, 3, 5], [4, 1, 1], [12, 9, 9]]],
    [7, -1, [[4, 7, 1], [8, 5, 3], [4, 1, 7]]],
    [45, 0, [[300, 19, 11], [344, 11, 11], [88, 15, 7]]],
    [45, -1, [[300, 11, 45], [64, 45, 11], [8, 1, 1]]],
  ] as [number, number, Case[]][]) {
    it(`${F}x${F}, targets ${targets.map(([C, ph, pw]) => `${C}ch * ${ph}x${pw}`).join(', ')} in one dispatch match the f64 reference (inputs in [${lo}, 1))`, async () => {
      const engine = await gpuEngine();
      // ReLU features are >= 0; the signed case exercises cancellation.
      const xs = targets.map(([C], k) => [1, 2, 3].map((s) => seededArray(F * F * C, s * 101 + F + 17 * k, lo, 1)));
      const zs = targets.map(([C, ph, pw], k) => seededArray(ph * pw * C, 7 + C + k, lo, 1));
      const stacks = xs.map((levels) => {
        const all = new Float32Array(levels[0].length * 3);
        levels.forEach((m, i) => all.set(m, i * m.length));
        return all;
      });
      const search = batchOf(engine, stacks, targets.map(([C]) => ({ count: 3, height: F, width: F, channels: C })));
      const templates = batchOf(engine, zs, targets.map(([C, ph, pw]) => ({ height: ph, width: pw, channels: C, pad: 0 })));
      const op = await xcorr(engine, search, templates);
      await engine.run(op.steps);
      const got = await op.output.read();
      expect(op.output.shape).to.deep.equal([targets.length, 3, F, F]);
      targets.forEach(([C, ph, pw], k) => {
        const { out, magnitude } = xcorrCpu(xs[k], zs[k], F, C, ph, pw);
        // Each output is one f32 running sum of N/4 vec4 dot products (N = ph pw C): its error is
        // a random walk of ~sqrt(N/4) roundings of 6e-8 x the running sum. The worst of thousands
        // of outputs stays within 4 sigma, 1.2e-7 sqrt(N) x sum|x z| (3e-5 at 19 x 11 x 300;
        // measured 7e-6); the border must be exactly zero.
        const N = ph * pw * C;
        const mine = got.subarray(k * 3 * F * F, (k + 1) * 3 * F * F);
        let worst = 0;
        for (let i = 0; i < out.length; i++) {
          const err = Math.abs(mine[i] - out[i]);
          const bound = 1.2e-7 * Math.sqrt(N) * magnitude[i];
          expect(err, `target ${k} element ${i}: got ${mine[i]}, want ${out[i]}`).to.be.at.most(bound);
          if (magnitude[i]) worst = Math.max(worst, err / magnitude[i]);
        }
        console.log(`      target ${k}: worst |error| / sum|x z| = ${worst.toExponential(2)} (bound ${(1.2e-7 * Math.sqrt(N)).toExponential(2)})`);
      });
      op.release();
      [search, templates].forEach((m) => m.tensor.release());
    });
  }

  it('rejects an even template and mismatched channels', async () => {
    const engine = await gpuEngine();
    const a = batchOf(engine, [new Float32Array(3 * 5 * 5 * 4)], [{ count: 3, height: 5, width: 5, channels: 4 }]);
    const even = batchOf(engine, [new Float32Array(2 * 3 * 4)], [{ height: 2, width: 3, channels: 4, pad: 0 }]);
    const other = batchOf(engine, [new Float32Array(3 * 3 * 8)], [{ height: 3, width: 3, channels: 8, pad: 0 }]);
    await rejects(xcorr(engine, a, even), /template 2x3 must be odd/);
    await rejects(xcorr(engine, a, other), /xcorr: need stacks .* got target 0: 3x5x5x4 \* 3x3x8/);
    [a, even, other].forEach((m) => m.tensor.release());
  });
});
