import { cropWindow } from '../../src/kernels/crop-window.ts';
import type { Engine } from '../../src/runtime/engine.ts';
import type { KernelCase } from '../harness.ts';

const [W, H, OUT] = [1026, 577, 180];

export const cases: KernelCase[] = (['cv2-bilinear', 'matlab-bilinear'] as const).flatMap((method) =>
  [180, 3800].map((S) => ({
    name: `crop-window ${W}x${H} S=${S} -> ${OUT}x${OUT}x4 ${method}`,
    // Four source pixels (3 bytes) read and one vec4 written per output pixel.
    bytes: OUT * OUT * (4 * 3 + 16),
    async setup(engine: Engine) {
      const data = Uint8Array.from({ length: W * H * 3 }, (_, i) => (i * 31) & 255);
      const frame = engine.upload([H, W, 3], 'bench frame', 'u8', data);
      const crop = await cropWindow(engine, frame, { method, out: OUT });
      await crop.set({ cx: 700.5, cy: 300.2, S });
      return { steps: crop.steps, release: () => (crop.release(), frame.release()) };
    },
  })),
);
