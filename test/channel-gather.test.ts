import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { channelGather, gatheredChannels, type GatherTarget, type GatherWindow, templateWindow } from '../src/kernels/channel-gather.ts';
import { batchOffsets, type FeatureMap } from '../src/kernels/layout.ts';
import { sharedPath } from '../src/eval/shared-data.ts';
import { channelGatherCpu, padHWC } from '../src/reference/channel-gather.ts';
import type { Engine } from '../src/runtime/engine.ts';
import { expectClose } from './helpers/close.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { seededArray } from './helpers/random.ts';
import { rejects } from './helpers/rejects.ts';
import { itShared } from './helpers/shared.ts';

/** `slots` maps of one shape (as a backbone batch holds them), each its own seeded ReLU-like data. */
function sourceBatch(engine: Engine, [H, W, C]: number[], pad: number, slots: number, seed: number) {
  const maps = Array.from({ length: slots }, (_, s) => seededArray(H * W * C, seed + 10 * s, -50, 100).map((v) => Math.max(0, v)));
  const padded = maps.map((m) => padHWC(m, H, W, C, pad));
  const all = new Float32Array(padded.reduce((n, m) => n + m.length, 0));
  padded.forEach((m, s) => all.set(m, s * m.length));
  const map: FeatureMap = { tensor: engine.upload([all.length], 'gather src', 'f32', all), height: H, width: W, channels: C, pad };
  return { map, maps };
}

/** One dispatch for all `targets`, each compared with the CPU reference run on its own slot. */
async function gatherCase(engine: Engine, [H, W, C]: number[], targets: GatherTarget[], slots: number) {
  const x41 = sourceBatch(engine, [H, W, C], 1, slots, 41);
  const x43 = sourceBatch(engine, [H, W, C], 1, slots, 43);
  const windows: GatherWindow[] = targets.map((t) => t.window ?? { y0: 0, x0: 0, height: H, width: W });
  // The output maps one after another, one more channel vec4 than needed for the first target.
  const shapes = targets.map((t, k) => ({
    height: windows[k].height, width: windows[k].width, pad: 0,
    channels: gatheredChannels(t.list41.length + t.list43.length) + (k === 0 ? 4 : 0),
  }));
  const { offsets, total } = batchOffsets(shapes.map((s) => s.height * s.width * s.channels));
  const tensor = engine.upload([total], 'gather out', 'f32', new Float32Array(total).fill(7e9));
  const op = await channelGather(engine, { src41: x41.map, src43: x43.map }, targets, { tensor, items: shapes.map((s, k) => ({ ...s, offset: offsets[k] })) });
  await engine.run(op.steps);
  const got = await tensor.read();
  op.release();
  for (const t of [x41.map.tensor, x43.map.tensor, tensor]) t.release();
  return targets.map((t, k) => ({
    got: got.subarray(offsets[k], offsets[k] + shapes[k].height * shapes[k].width * shapes[k].channels),
    want: channelGatherCpu(x41.maps[t.slot], x43.maps[t.slot], H, W, C, t.list41, t.list43, Math.fround(t.scale41), windows[k], shapes[k].channels),
  }));
}

describe('channel-gather', () => {
  it('places the template patch at the map centre (round(F/2) 1-based)', () => {
    expect(templateWindow(45, 45, 19, 11)).to.deep.equal({ y0: 13, x0: 17, height: 19, width: 11 });
    expect(templateWindow(45, 45, 11, 11)).to.deep.equal({ y0: 17, x0: 17, height: 11, width: 11 });
  });

  // A gather copies values and multiplies by one f32 factor (correctly rounded in both): bit-exact.
  it('one dispatch for 3 targets: different slots, channel counts, windows (one partly outside the map) and factors', async () => {
    const engine = await gpuEngine();
    const targets: GatherTarget[] = [
      { slot: 2, list41: [5, 0, 11], list43: [2, 7, 3, 9, 10], scale41: 1.37, window: { y0: -2, x0: 5, height: 5, width: 7 } },
      { slot: 0, list41: [1, 4], list43: [8, 2, 6], scale41: 0.81 },
      { slot: 1, list41: [], list43: [11, 0, 4, 4, 1, 3, 5, 6, 2], scale41: 2.5, window: { y0: 1, x0: 2, height: 3, width: 5 } },
    ];
    const results = await gatherCase(engine, [7, 9, 12], targets, 3);
    for (const { got, want } of results) expectClose(got, want, 1e-30, 0);
    // The first target's extra vec4 is zeros, not the fill.
    expect(results[0].got.slice(12, 16)).to.deep.equal(new Float32Array(4));
  });

  itShared('TADT size: Skiing fixture channels, 45x45x512 search maps and 11x11 template', async () => {
    const engine = await gpuEngine();
    const ref = JSON.parse(readFileSync(sharedPath('data/reference/tadt-python/Skiing.json'), 'utf8'));
    const target = { list41: ref.selected_conv4_1 as number[], list43: ref.selected_conv4_3 as number[], scale41: ref.balance_factor_B43_over_B41 as number };
    const targets = [{ ...target, slot: 1 }, { ...target, slot: 0, window: templateWindow(45, 45, 11, 11) }];
    for (const { got, want } of await gatherCase(engine, [45, 45, 512], targets, 2)) expectClose(got, want, 1e-30, 0);
  });

  it('rejects a too-small output, a channel outside the source and a missing slot', async () => {
    const engine = await gpuEngine();
    const src = sourceBatch(engine, [3, 3, 4], 1, 1, 1).map;
    const out = { tensor: engine.tensor([3 * 3 * 4], 'out'), items: [{ height: 3, width: 3, channels: 4, pad: 0, offset: 0 }] };
    const target = { slot: 0, list41: [0, 1, 2], list43: [0, 1, 2], scale41: 1 };
    await rejects(channelGather(engine, { src41: src, src43: src }, [target], out), /target 0: output channels 4 for 3\+3/);
    await rejects(channelGather(engine, { src41: src, src43: src }, [{ ...target, list41: [4], list43: [] }], out), /target 0: channel 4 is not one of the source's 4/);
    await rejects(channelGather(engine, { src41: src, src43: src }, [{ ...target, slot: 1, list41: [] }], out), /target 0: source tensor holds no map 1/);
    for (const t of [src.tensor, out.tensor]) t.release();
  });
});
