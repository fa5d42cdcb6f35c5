import { featurePyramid } from '../../src/kernels/feature-pyramid.ts';
import type { Engine } from '../../src/runtime/engine.ts';
import type { KernelCase } from '../harness.ts';

const [F, C] = [45, 300];

export const cases: KernelCase[] = [true, false].map((alignCorners) => ({
  name: `feature-pyramid ${F}x${F}x${C} -> 2 levels align=${alignCorners}`,
  bytes: 3 * F * F * C * 4,
  async setup(engine: Engine) {
    const data = Float32Array.from({ length: F * F * C }, (_, i) => (i % 113) / 113);
    const tensor = engine.upload([data.length], 'bench features', 'f32', data);
    const op = await featurePyramid(engine, { tensor, items: [{ height: F, width: F, channels: C, pad: 0, offset: 0 }] }, alignCorners);
    return { steps: op.steps, release: () => (op.release(), tensor.release()) };
  },
}));
