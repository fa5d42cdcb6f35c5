import type { FeatureMap } from '../../src/kernels/layout.ts';
import { xcorr } from '../../src/kernels/xcorr.ts';
import type { Engine } from '../../src/runtime/engine.ts';
import type { KernelCase } from '../harness.ts';

function map(engine: Engine, h: number, w: number, c: number): FeatureMap {
  const data = Float32Array.from({ length: h * w * c }, (_, i) => ((i * 7919) % 1000) / 1000);
  return { tensor: engine.upload([data.length], 'bench xcorr map', 'f32', data), height: h, width: w, channels: c, pad: 0 };
}

const F = 45;
const C = 300;

export const cases: KernelCase[] = [
  [19, 11],
  [11, 11],
].map(([ph, pw]) => ({
  name: `xcorr 3x${F}x${F}x${C} * ${ph}x${pw}`,
  flops: 3 * 2 * (F - ph + 1) * (F - pw + 1) * ph * pw * C,
  async setup(engine: Engine) {
    const levels = map(engine, 3 * F, F, C);
    const search = { tensor: levels.tensor, items: [{ count: 3, height: F, width: F, channels: C, offset: 0 }] };
    const template = map(engine, ph, pw, C);
    const op = await xcorr(engine, search, { tensor: template.tensor, items: [{ ...template, offset: 0 }] });
    return {
      steps: op.steps,
      release: () => (op.release(), [levels, template].forEach((m) => m.tensor.release())),
    };
  },
}));
