import { expect } from 'chai';
import { channelGather, gatheredChannels, templateWindow } from '../src/kernels/channel-gather.ts';
import type { FeatureMap } from '../src/kernels/layout.ts';
import { channelGatherCpu, padHWC } from '../src/reference/channel-gather.ts';
import type { Engine } from '../src/runtime/engine.ts';
import { expectClose } from './helpers/close.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { rejects } from './helpers/rejects.ts';
import { seededArray } from './helpers/random.ts';
import { sharedPath } from '../src/eval/shared-data.ts';
import { readFileSync } from 'node:fs';
import { itShared } from './helpers/shared.ts';

/** The map as map `slot` of a batch whose other maps hold garbage. */
function upload(engine: Engine, x: Float32Array, H: number, W: number, C: number, pad: number, slot = 0): FeatureMap {
  const one = padHWC(x, H, W, C, pad);
  const all = new Float32Array((slot + 2) * one.length).fill(1e9);
  all.set(one, slot * one.length);
  return { tensor: engine.upload([all.length], 'gather src', 'f32', all), height: H, width: W, channels: C, pad };
}

async function gatherCase(
  engine: Engine,
  [H, W, C]: number[],
  list41: number[],
  list43: number[],
  scale: number,
  window: { y0: number; x0: number; height: number; width: number },
  options: { subset43?: boolean; outPad?: number; slot?: number } = {},
) {
  const x41 = seededArray(H * W * C, 41, -50, 100).map((v) => Math.max(0, v));
  const x43 = seededArray(H * W * C, 43, -50, 100).map((v) => Math.max(0, v));
  const slot = options.slot ?? 0;
  const src41 = upload(engine, x41, H, W, C, 1, slot);
  // A subset map: conv4_3 already restricted to list43, in order (channels padded to a vec4).
  const C43 = gatheredChannels(list43.length);
  const sub = new Float32Array(H * W * C43);
  for (let p = 0; p < H * W; p++) list43.forEach((c, k) => (sub[p * C43 + k] = x43[p * C + c]));
  const src43 = options.subset43 ? upload(engine, sub, H, W, C43, 2, slot) : upload(engine, x43, H, W, C, 1, slot);
  const idx41 = engine.upload([list41.length], 'idx41', 'u32', Uint32Array.from(list41));
  const idx43 = options.subset43 ? undefined : engine.upload([list43.length], 'idx43', 'u32', Uint32Array.from(list43));
  const Cs = gatheredChannels(list41.length + list43.length);
  const pad = options.outPad ?? 0;
  const out = { tensor: engine.tensor([(window.height + 2 * pad) * (window.width + 2 * pad) * Cs], 'gather out'), height: window.height, width: window.width, channels: Cs, pad };
  const d = await channelGather(engine, {
    src41, src43, idx41, idx43, count43: list43.length,
    scale41: scale, window, slot,
  }, out);
  await engine.run(d.steps);
  const got = await out.tensor.read();
  const want = padHWC(channelGatherCpu(x41, x43, H, W, C, list41, list43, Math.fround(scale), window, Cs), window.height, window.width, Cs, pad);
  d.release();
  for (const t of [src41.tensor, src43.tensor, idx41, idx43, out.tensor]) t?.release();
  return { got, want };
}

describe('channel-gather', () => {
  it('places the template patch at the map centre (round(F/2) 1-based)', () => {
    expect(templateWindow(45, 45, 19, 11)).to.deep.equal({ y0: 13, x0: 17, height: 19, width: 11 });
    expect(templateWindow(45, 45, 11, 11)).to.deep.equal({ y0: 17, x0: 17, height: 11, width: 11 });
  });

  // A gather copies values and multiplies by one f32 factor: bit-exact, except the factor B43/B41
  // divided on the GPU (WGSL allows 2.5 ulp), hence rtol 1e-6 there.
  it('small odd map: window partly outside the map, zero tail channels, output border', async () => {
    const engine = await gpuEngine();
    const { got, want } = await gatherCase(engine, [7, 9, 12], [5, 0, 11], [2, 7, 3, 9, 10], 1.37,
      { y0: -2, x0: 5, height: 5, width: 7 }, { outPad: 1 });
    expectClose(got, want, 1e-30, 0);
  });

  it('conv4_3 given as an already-selected subset map', async () => {
    const engine = await gpuEngine();
    const { got, want } = await gatherCase(engine, [7, 9, 12], [1, 4], [8, 2, 6], 0.81,
      { y0: 0, x0: 0, height: 7, width: 9 }, { subset43: true });
    expectClose(got, want, 1e-30, 1e-6);
  });

  it('reads one map of a batch (a target\'s slot), with either kind of conv4_3 source', async () => {
    const engine = await gpuEngine();
    for (const subset43 of [false, true]) {
      const { got, want } = await gatherCase(engine, [7, 9, 12], [5, 0], [2, 7, 3], 1.37, { y0: 0, x0: 0, height: 7, width: 9 }, { subset43, slot: 2 });
      expectClose(got, want, 1e-30, 1e-6);
    }
  });

  itShared('TADT size: Skiing fixture channels, 45x45x512 search map and 11x11 template', async () => {
    const engine = await gpuEngine();
    const ref = JSON.parse(readFileSync(sharedPath('data/reference/tadt-python/Skiing.json'), 'utf8'));
    const scale = ref.balance_factor_B43_over_B41 as number;
    for (const window of [{ y0: 0, x0: 0, height: 45, width: 45 }, templateWindow(45, 45, 11, 11)]) {
      const { got, want } = await gatherCase(engine, [45, 45, 512], ref.selected_conv4_1, ref.selected_conv4_3, scale, window);
      expect(got.length).to.equal(window.height * window.width * gatheredChannels(46 + 297));
      expectClose(got, want, 1e-30, 0);
    }
  });

  it('rejects a too-small output', async () => {
    const engine = await gpuEngine();
    const src = upload(engine, new Float32Array(3 * 3 * 4), 3, 3, 4, 1);
    const idx = engine.upload([3], 'idx', 'u32', Uint32Array.from([0, 1, 2]));
    const out = { tensor: engine.tensor([3 * 3 * 4], 'out'), height: 3, width: 3, channels: 4, pad: 0 };
    await rejects(channelGather(engine, { src41: src, src43: src, idx41: idx, idx43: idx, scale41: 1 }, out), /output channels 4/);
    for (const t of [src.tensor, idx, out.tensor]) t.release();
  });
});
