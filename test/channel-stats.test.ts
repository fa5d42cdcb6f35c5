import { channelBalance, channelSums } from '../src/kernels/channel-stats.ts';
import { channelBalanceCpu, channelSumsCpu } from '../src/reference/channel-stats.ts';
import { padHWC } from '../src/reference/channel-gather.ts';
import { expectClose } from './helpers/close.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { rejects } from './helpers/rejects.ts';
import { seededArray } from './helpers/random.ts';

// Inputs are ReLU-like (>= 0), so sums do not cancel: f32 accumulation over n terms is off by about
// sqrt(n) eps relative (n = 2025: ~3e-6, worst case n eps = 1.2e-4 never seen). rtol 2e-5.
const RTOL = 2e-5;

describe('channel-stats', () => {
  for (const [H, W, C, pad] of [[7, 5, 12, 2], [45, 45, 512, 1]]) {
    it(`sums and averages every channel of ${H}x${W}x${C} pad ${pad}`, async () => {
      const engine = await gpuEngine();
      const x = seededArray(H * W * C, H + C, -50, 100).map((v) => Math.max(0, v));
      const map = { tensor: engine.upload([H + 2 * pad, W + 2 * pad, C], 'stats in', 'f32', padHWC(x, H, W, C, pad)), height: H, width: W, channels: C, pad };
      const out = engine.tensor([C], 'stats out');
      for (const mean of [false, true]) {
        const d = await channelSums(engine, map, out, { mean });
        await engine.run(d.steps);
        expectClose(await out.read(), channelSumsCpu(x, H, W, C, mean), 1e-6, RTOL);
        d.release();
      }
      map.tensor.release();
      out.release();
    });

    it(`balance: max over pixels of a channel-list sum, ${H}x${W}x${C}`, async () => {
      const engine = await gpuEngine();
      const x = seededArray(H * W * C, 3 * C, -50, 100).map((v) => Math.max(0, v));
      const map = { tensor: engine.upload([H + 2 * pad, W + 2 * pad, C], 'balance in', 'f32', padHWC(x, H, W, C, pad)), height: H, width: W, channels: C, pad };
      const out = engine.upload([2], 'balance out', 'f32', new Float32Array([-1, -1]));
      const lists = [Uint32Array.from({ length: Math.min(50, C) }, (_, k) => (k * 7 + 3) % C), Uint32Array.from([C - 1])];
      for (const [slot, list] of lists.entries()) {
        const listT = engine.upload([list.length], 'balance list', 'u32', list);
        const d = await channelBalance(engine, map, listT, out, slot);
        await engine.run(d.steps);
        expectClose([(await out.read())[slot]], [channelBalanceCpu(x, H, W, C, list)], 1e-30, RTOL);
        d.release();
        listT.release();
      }
      map.tensor.release();
      out.release();
    });
  }

  it('rejects channel counts that are not whole vec4s and short outputs', async () => {
    const engine = await gpuEngine();
    const t = engine.tensor([3 * 3 * 8], 'bad map');
    const short = engine.tensor([2], 'short out');
    await rejects(channelSums(engine, { tensor: t, height: 3, width: 3, channels: 6, pad: 0 }, short), /multiple of 4/);
    await rejects(channelSums(engine, { tensor: t, height: 3, width: 3, channels: 4, pad: 0 }, short), /output 2 < 4/);
    t.release();
    short.release();
  });
});
