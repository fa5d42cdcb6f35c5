import { featureElements, type FeatureMap } from '../../src/kernels/layout.ts';
import { maxpool2x2 } from '../../src/kernels/maxpool.ts';
import type { Engine } from '../../src/runtime/engine.ts';
import type { KernelCase } from '../harness.ts';

function map(engine: Engine, size: number, channels: number): FeatureMap {
  const shape = { height: size, width: size, channels, pad: 1 };
  return { ...shape, tensor: engine.upload([featureElements(shape)], 'bench pool map', 'f32', new Float32Array(featureElements(shape)).fill(1)) };
}

/** pool1 and pool2 of a 180x180 input (the backbone fuses them into conv1_2 and conv2_2). */
export const cases: KernelCase[] = [
  [180, 64],
  [90, 128],
].map(([size, c]) => ({
  name: `maxpool2x2 ${c}x${size}x${size} -> ${size / 2}x${size / 2}`,
  bytes: (size * size + (size / 2) ** 2) * c * 4,
  async setup(engine: Engine) {
    const input = map(engine, size, c);
    const output = map(engine, size / 2, c);
    const op = await maxpool2x2(engine, input, output);
    return { steps: op.steps, release: () => (op.release(), input.tensor.release(), output.tensor.release()) };
  },
}));
