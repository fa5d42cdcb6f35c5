import { expect } from 'chai';
import type { FeatureMap } from '../src/kernels/layout.ts';
import { featureElements } from '../src/kernels/layout.ts';
import { maxpool2x2 } from '../src/kernels/maxpool.ts';
import { type DenseMap, fromPadded, toPadded } from '../src/reference/conv2d3x3.ts';
import { maxpool2x2Cpu } from '../src/reference/maxpool.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { seededArray } from './helpers/random.ts';
import { rejects } from './helpers/rejects.ts';

const SENTINEL = -9;

describe('maxpool2x2', () => {
  const cases: [number, number, number, number, number][] = [
    // h, w, channels, input pad, output pad
    [8, 8, 4, 1, 1],
    [9, 11, 12, 1, 1], // odd sides: floor mode drops the last row and column
    [6, 10, 8, 2, 0],
    [2, 2, 4, 1, 1],
    [180, 180, 64, 1, 1], // pool1 of a 180x180 input
  ];
  for (const [h, w, c, inPad, outPad] of cases) {
    it(`${h}x${w}x${c}, border ${inPad} -> ${outPad}: exact, and leaves the output border alone`, async () => {
      const engine = await gpuEngine();
      // Negative values too: the max must not be clamped at the zero border.
      const dense: DenseMap = { data: seededArray(h * w * c, h * 31 + w, -2, 1), height: h, width: w, channels: c };
      const inShape = { height: h, width: w, channels: c, pad: inPad };
      const input: FeatureMap = { ...inShape, tensor: engine.upload([featureElements(inShape)], 'pool in', 'f32', toPadded(dense, c, inPad)) };
      const outShape = { height: Math.floor(h / 2), width: Math.floor(w / 2), channels: c, pad: outPad };
      const n = featureElements(outShape);
      const output: FeatureMap = { ...outShape, tensor: engine.upload([n], 'pool out', 'f32', new Float32Array(n).fill(SENTINEL)) };
      const pool = await maxpool2x2(engine, input, output);
      await engine.run([...pool.steps]);
      const data = await output.tensor.read();
      expect(Array.from(fromPadded(data, output).data)).to.deep.equal(Array.from(maxpool2x2Cpu(dense).data));
      const interior = (outShape.height * outShape.width) * c;
      expect(data.filter((v) => v === SENTINEL).length, 'border cells untouched').to.equal(n - interior);
      pool.release();
      input.tensor.release();
      output.tensor.release();
    });
  }

  it('rejects an output of the wrong size', async () => {
    const engine = await gpuEngine();
    const map = (s: number): FeatureMap => ({ tensor: engine.tensor([(s + 2) ** 2 * 4], 'm'), height: s, width: s, channels: 4, pad: 1 });
    const [a, b] = [map(8), map(5)];
    await rejects(maxpool2x2(engine, a, b), /maxpool2x2 8x8x4 pad 1 -> 5x5x4 pad 1: output must be 4x4x4/);
    a.tensor.release();
    b.tensor.release();
  });
});
