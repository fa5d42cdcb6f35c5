import { frameResize } from '../../src/kernels/frame-resize.ts';
import type { Engine } from '../../src/runtime/engine.ts';
import type { KernelCase } from '../harness.ts';

const [W, H, s] = [640, 360, 1.6023854896043053];
const [OW, OH] = [Math.ceil(W * s), Math.ceil(H * s)];

export const cases: KernelCase[] = (['pytorch-port', 'official'] as const).map((profile) => ({
  name: `frame-resize ${W}x${H} -> ${OW}x${OH} ${profile}`,
  bytes: (W * H + OW * OH) * 3,
  async setup(engine: Engine) {
    const data = Uint8Array.from({ length: W * H * 3 }, (_, i) => (i * 31) & 255);
    const input = engine.upload([H, W, 3], 'bench frame', 'u8', data);
    const op = await frameResize(engine, input, s, profile);
    return { steps: op.steps, dispose: () => (op.release(), input.release()) };
  },
}));
