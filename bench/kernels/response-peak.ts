import { responsePeak, type ResponseMethods } from '../../src/kernels/response-peak.ts';
import type { Engine } from '../../src/runtime/engine.ts';
import type { KernelCase } from '../harness.ts';

const F = 45;

const METHODS: ResponseMethods[] = [
  { upsampling: 'torch-bicubic', argmaxOrder: 'row-major' },
  { upsampling: 'matlab-bicubic', argmaxOrder: 'column-major' },
];

export const cases: KernelCase[] = METHODS.flatMap((methods) =>
  [180, 1000].map((S) => ({
    name: `response-peak 3x${F}x${F} -> 3x${S}x${S} ${methods.upsampling}`,
    // Two 4-tap bicubic passes (the second per output pixel), window and compare.
    flops: 3 * (S * F * 8 + S * S * (8 + 3)),
    async setup(engine: Engine) {
      const data = Float32Array.from({ length: 3 * F * F }, (_, i) => Math.sin(i * 0.37) * 1e6 + 1e5);
      const maps = engine.upload([1, 3, F, F], 'bench xcorr maps', 'f32', data);
      const op = await responsePeak(engine, maps, methods, [S]);
      return { steps: op.steps, release: () => (op.release(), maps.release()) };
    },
  })),
);
