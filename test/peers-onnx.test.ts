import { expect } from 'chai';
import * as ort from 'onnxruntime-node';
import { compareMaps } from '../bench/peers/agreement.ts';
import { writeConvNetOnnx } from '../bench/peers/onnx-writer.ts';
import { ortNodeRunner } from '../bench/peers/ort-node.ts';
import { fromNchw, selectUnits, toNchw, trunkUnits } from '../bench/peers/trunk.ts';
import type { DenseMap } from '../src/reference/conv2d3x3.ts';
import { syntheticVggWeights } from '../src/weights/synthetic.ts';
import { expectClose } from './helpers/close.ts';
import { otherConv, TINY_INPUT, TINY_NET, TINY_UNIT, tinyReference } from './helpers/peers-net.ts';

describe('peers bench: ONNX writer and onnxruntime-node', () => {
  it('writes a model that onnxruntime-node runs with the output of the plain-TS reference', async () => {
    const session = await ort.InferenceSession.create(writeConvNetOnnx(TINY_NET, TINY_INPUT));
    const result = (await session.run({ input: new ort.Tensor('float32', toNchw(TINY_INPUT), [1, 3, 7, 9]) })).output!;
    expect(result.dims).to.deep.equal([1, 6, 3, 4]);
    const got = fromNchw(result.data as Float32Array, 3, 4, 6);
    const want = tinyReference();
    expect(want.data.filter((v) => v > 0).length, 'a test whose ReLU zeroes everything proves little').to.be.above(20);
    expectClose(got.data, want.data, 1e-4, 1e-5);
    await session.release();
  });

  it('runs a unit through the bench runner: NHWC in, NHWC out', async () => {
    const runner = await ortNodeRunner();
    const unit = await runner.prepare(TINY_UNIT, TINY_INPUT);
    await unit.run();
    const out = (await unit.output())!;
    expect([out.height, out.width, out.channels]).to.deep.equal([3, 4, 6]);
    expect(compareMaps(out, tinyReference()).relative).to.be.below(1e-6);
    await unit.dispose();
    await runner.close();
  });

  it('rejects a chain whose channels do not follow, and an empty net, naming the layer', () => {
    expect(() => writeConvNetOnnx([TINY_NET[0]!, otherConv(5, 2)], TINY_INPUT)).to.throw(/c: cin 5 after 4 channels/);
    expect(() => writeConvNetOnnx([], TINY_INPUT)).to.throw(/at least one layer/);
  });

  it('agreement: relative to the reference max, NaN fails, shapes must match', () => {
    const ref: DenseMap = { height: 1, width: 2, channels: 1, data: Float32Array.of(4, -8) };
    expect(compareMaps({ ...ref, data: Float32Array.of(4.5, -8) }, ref)).to.deep.equal({ maxAbsDiff: 0.5, maxAbsRef: 8, relative: 0.0625 });
    expect(compareMaps({ ...ref, data: Float32Array.of(NaN, -8) }, ref).relative).to.be.NaN;
    expect(() => compareMaps({ ...ref, width: 1, channels: 2 }, ref)).to.throw(/1x1x2, expected 1x2x1/);
  });
});

describe('peers bench: units', () => {
  const units = trunkUnits(syntheticVggWeights(), 8);

  it('--filter picks the units whose names contain any of its comma-separated parts', () => {
    expect(selectUnits(units, undefined).length).to.equal(11);
    expect(selectUnits(units, 'conv4').map((u) => u.name)).to.deep.equal(['conv4_1', 'conv4_2', 'conv4_3']);
    expect(selectUnits(units, 'trunk,conv1_1').map((u) => u.name)).to.deep.equal(['trunk', 'conv1_1']);
    expect(() => selectUnits(units, 'conv5')).to.throw(/--filter conv5 matches no unit \(trunk, conv1_1, conv1_2, .*conv4_3\)/);
  });
});
