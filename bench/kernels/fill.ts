import { fill } from '../../src/kernels/fill.ts';
import type { KernelCase } from '../harness.ts';

const n = 512 * 45 * 45;

export const cases: KernelCase[] = [
  {
    name: `fill f32 ${n}`,
    bytes: n * 4,
    async setup(engine) {
      const t = engine.tensor([n], 'bench fill');
      const op = await fill(engine, t, 1);
      return { steps: op.steps, release: () => (op.release(), t.release()) };
    },
  },
];
