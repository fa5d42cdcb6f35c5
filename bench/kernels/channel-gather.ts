import { channelGather, gatheredChannels, type GatherWindow, templateWindow } from '../../src/kernels/channel-gather.ts';
import type { KernelCase } from '../harness.ts';

const [F, C] = [45, 512];
// Skiing's selection: 297 conv4_3 + 46 conv4_1 channels.
const [N43, N41] = [297, 46];

function gatherCase(what: string, window: GatherWindow): KernelCase {
  const Cs = gatheredChannels(N41 + N43);
  return {
    name: `channel gather ${what} ${window.height}x${window.width}x${Cs} from 2x${F}x${F}x${C}`,
    bytes: 2 * window.height * window.width * Cs * 4,
    async setup(engine) {
      const data = Float32Array.from({ length: (F + 2) * (F + 2) * C }, (_, i) => ((i * 2654435761) % 997) / 10);
      const src = { tensor: engine.upload([F + 2, F + 2, C], 'bench gather x', 'f32', data), height: F, width: F, channels: C, pad: 1 };
      const list41 = Array.from({ length: N41 }, (_, k) => k * 11);
      const list43 = Array.from({ length: N43 }, (_, k) => (k * 7) % C);
      const tensor = engine.tensor([window.height * window.width * Cs], 'bench gather out');
      const out = { tensor, items: [{ height: window.height, width: window.width, channels: Cs, pad: 0, offset: 0 }] };
      const op = await channelGather(engine, { src41: src, src43: src }, [{ slot: 0, list41, list43, scale41: 1.06, window }], out);
      return { steps: op.steps, release: () => (op.release(), [src.tensor, tensor].forEach((t) => t.release())) };
    },
  };
}

export const cases: KernelCase[] = [
  gatherCase('search', { y0: 0, x0: 0, height: F, width: F }),
  gatherCase('template', templateWindow(F, F, 19, 11)),
];
