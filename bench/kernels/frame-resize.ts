import { frameResize } from '../../src/kernels/frame-resize.ts';
import type { Engine } from '../../src/runtime/engine.ts';
import type { KernelCase } from '../harness.ts';

const [W, H, s] = [640, 360, 1.6023854896043053];
const [OW, OH] = [Math.ceil(W * s), Math.ceil(H * s)];

export const cases: KernelCase[] = (['cv2-bilinear', 'matlab-bicubic'] as const).map((method) => ({
  name: `frame-resize ${W}x${H} -> ${OW}x${OH} ${method}`,
  bytes: (W * H + OW * OH) * 3,
  async setup(engine: Engine) {
    const data = Uint8Array.from({ length: W * H * 3 }, (_, i) => (i * 31) & 255);
    const input = engine.upload([H, W, 3], 'bench frame', 'u8', data);
    const op = await frameResize(engine, input, s, method);
    return { steps: op.steps, release: () => (op.release(), input.release()) };
  },
}));
