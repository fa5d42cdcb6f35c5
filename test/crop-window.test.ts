import { expect } from 'chai';
import { cropWindow } from '../src/kernels/crop-window.ts';
import type { FeatureMap } from '../src/kernels/layout.ts';
import { cropWindowCpu } from '../src/reference/crop-window.ts';
import type { CropMethod } from '../src/tracker/config.ts';
import type { Engine } from '../src/runtime/engine.ts';
import type { Tensor } from '../src/runtime/tensor.ts';
import { expectClose } from './helpers/close.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { seededArray } from './helpers/random.ts';
import { readRgbInterior } from './helpers/rgb-interior.ts';

function randomFrame(width: number, height: number, seed: number): Uint8Array {
  return Uint8Array.from(seededArray(width * height * 3, seed, 0, 256), Math.floor);
}

async function gpuCrop(
  engine: Engine,
  frame: Tensor<'u8'>,
  windows: { cx: number; cy: number; S: number }[],
  out: number,
  method: CropMethod,
) {
  const crop = await cropWindow(engine, frame, { method, out });
  const results: Float32Array[] = [];
  const built = engine.pipelines.created;
  for (const w of windows) {
    await crop.set(w);
    await engine.run(crop.steps);
    results.push(await readRgbInterior(crop.output));
  }
  expect(engine.pipelines.created, 'set() builds nothing').to.equal(built);
  crop.release();
  return results;
}

// Windows far larger than the frame, tiny ones, ones hanging off every edge, and S = 2 * out
// (where cv2 switches INTER_LINEAR to INTER_AREA, equal for that ratio).
const WINDOWS = [
  { cx: 26.5, cy: 18.2, S: 31 },
  { cx: 3.7, cy: 30.9, S: 17 },
  { cx: 50.2, cy: 2.1, S: 62 },
  { cx: 20, cy: 20, S: 1 },
  { cx: 10.9, cy: 5.5, S: 2 },
  { cx: 26, cy: 18, S: 3800 },
  { cx: -40.3, cy: 90.6, S: 45 },
];

describe('crop-window', () => {
  for (const method of ['cv2-bilinear', 'matlab-bilinear'] as const) {
    // cv2 is integer arithmetic on both sides: exact. Matlab's is a float bilinear on values
    // within +-128 with two weights per axis: f32 rounding stays below 1e-4.
    const tolerance = method === 'cv2-bilinear' ? 1e-6 : 1e-4;
    for (const [w, h, out] of [
      [53, 37, 31],
      [1026, 577, 180],
    ]) {
      it(`${method}: matches the CPU reference, ${w}x${h} frame -> ${out}x${out}`, async () => {
        const engine = await gpuEngine();
        const data = randomFrame(w, h, w * 7 + h);
        const frame = engine.upload([h, w, 3], 'test frame', 'u8', data);
        const scaled = WINDOWS.map((win) => ({ cx: (win.cx * w) / 53, cy: (win.cy * h) / 37, S: win.S === 2 ? 2 * out : win.S }));
        const got = await gpuCrop(engine, frame, scaled, out, method);
        scaled.forEach((win, i) => expectClose(got[i], cropWindowCpu(data, w, h, win, out, method), tolerance, 0));
        frame.release();
      });
    }
  }

  it('writes one map of a batch per slot (several targets\' windows), leaving the other maps alone', async () => {
    const engine = await gpuEngine();
    const [w, h, out] = [53, 37, 31];
    const data = randomFrame(w, h, 5);
    const frame = engine.upload([h, w, 3], 'test frame', 'u8', data);
    const shape = { height: out, width: out, channels: 4, pad: 1 };
    const per = (out + 2) ** 2 * 4;
    const batch: FeatureMap = { ...shape, tensor: engine.tensor([3 * per], 'batch of windows') };
    batch.tensor.write(new Float32Array(3 * per).fill(9));
    const windows = [WINDOWS[0], WINDOWS[6]];
    const crops = [];
    for (const [slot, win] of [[2, windows[0]], [0, windows[1]]] as const) {
      const crop = await cropWindow(engine, frame, { method: 'cv2-bilinear', output: batch, slot });
      await crop.set(win);
      crops.push(crop);
    }
    await engine.run(crops.flatMap((c) => [...c.steps]));
    const all = await batch.tensor.read();
    const map = (slot: number): FeatureMap => ({ ...shape, tensor: engine.upload([per], 'slot', 'f32', all.slice(slot * per, (slot + 1) * per)) });
    expectClose(await readRgbInterior(map(2)), cropWindowCpu(data, w, h, windows[0], out, 'cv2-bilinear'), 1e-6, 0);
    expectClose(await readRgbInterior(map(0)), cropWindowCpu(data, w, h, windows[1], out, 'cv2-bilinear'), 1e-6, 0);
    expect(all.slice(per, 2 * per).every((v) => v === 9), 'map 1 untouched').to.equal(true);
    let error: unknown;
    await cropWindow(engine, frame, { method: 'cv2-bilinear', output: batch, slot: 3 }).catch((e) => (error = e));
    expect(String(error)).to.match(/crop-window: output tensor holds no map 3/);
    crops.forEach((c) => c.release());
    batch.tensor.release();
    frame.release();
  });
});
