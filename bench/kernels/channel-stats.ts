import { channelBalance, channelSums } from '../../src/kernels/channel-stats.ts';
import type { Engine } from '../../src/runtime/engine.ts';
import type { KernelCase } from '../harness.ts';

const [F, C] = [45, 512];

function map(engine: Engine) {
  const data = Float32Array.from({ length: (F + 2) * (F + 2) * C }, (_, i) => ((i * 2654435761) % 997) / 10);
  return { tensor: engine.upload([F + 2, F + 2, C], 'bench stats x', 'f32', data), height: F, width: F, channels: C, pad: 1 };
}

export const cases: KernelCase[] = [
  {
    name: `channel sums ${F}x${F}x${C}`,
    bytes: F * F * C * 4,
    async setup(engine) {
      const m = map(engine);
      const out = engine.tensor([C], 'bench sums');
      const op = await channelSums(engine, m, out);
      return { steps: op.steps, release: () => (op.release(), m.tensor.release(), out.release()) };
    },
  },
  {
    name: `channel balance ${F}x${F}x${C} 50 channels`,
    async setup(engine) {
      const m = map(engine);
      const list = engine.upload([50], 'bench list', 'u32', Uint32Array.from({ length: 50 }, (_, k) => k * 10));
      const out = engine.tensor([2], 'bench balance');
      const op = await channelBalance(engine, m, list, out, 0);
      return { steps: op.steps, release: () => (op.release(), m.tensor.release(), list.release(), out.release()) };
    },
  },
];
