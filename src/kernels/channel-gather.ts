import { grid1d } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import { makeOp, type Op } from '../runtime/op.ts';
import { StructTable } from '../runtime/struct-table.ts';
import { type Batch, describe, featureElements, type FeatureMap, type MapShape } from './layout.ts';

/** Source rows/columns of the output: the whole map, or the template patch (templateWindow). */
export interface GatherWindow {
  y0: number;
  x0: number;
  height: number;
  width: number;
}

/** What one target of the batch gathers. */
export interface GatherTarget {
  /** Which map of the batch stacked in the source tensors (the target's window). */
  slot: number;
  /** Selected conv4_1 channels. */
  list41: readonly number[];
  /** Selected conv4_3 channels, written first. */
  list43: readonly number[];
  /** Balance factor for the conv4_1 channels (spec 3.4). */
  scale41: number;
  /** Default: the whole map. */
  window?: GatherWindow;
}

/**
 * Template patch of spec 3.1: ph x pw cells around the map centre, round(F/2) 1-based, i.e. 22 for
 * F = 45 (0-based), +- floor(p/2).
 */
export function templateWindow(height: number, width: number, ph: number, pw: number): GatherWindow {
  return {
    y0: Math.round(height / 2) - 1 - Math.floor(ph / 2),
    x0: Math.round(width / 2) - 1 - Math.floor(pw / 2),
    height: ph,
    width: pw,
  };
}

/** Output channels for n selected channels: rounded up to whole vec4s. */
export function gatheredChannels(n: number): number {
  return Math.ceil(n / 4) * 4;
}

/**
 * One dispatch for every target: writes target k's output map `out.items[k]` (unpadded, window-sized,
 * at least gatheredChannels(n43 + n41) channels, a multiple of 4): conv4_3's selected channels, then
 * conv4_1's times the balance factor, then zeros. The sources are batches of maps of one shape
 * (relu4_1 and relu4_3 of the backbone); each target reads its slot.
 */
export async function channelGather(
  engine: Engine,
  sources: { src41: FeatureMap; src43: FeatureMap },
  targets: readonly GatherTarget[],
  out: Batch<MapShape>,
): Promise<Op> {
  const { src41, src43 } = sources;
  if (src41.height !== src43.height || src41.width !== src43.width) {
    throw new RangeError(`channel-gather: ${describe(src41)} and ${describe(src43)} differ in size`);
  }
  if (targets.length === 0 || out.items.length !== targets.length) {
    throw new RangeError(`channel-gather: ${targets.length} targets for ${out.items.length} output maps`);
  }
  const lists: number[] = [];
  const rows = targets.map((t, k) => {
    const what = `channel-gather target ${k}`;
    for (const m of [src41, src43]) {
      if (!Number.isInteger(t.slot) || t.slot < 0 || m.tensor.size < (t.slot + 1) * featureElements(m)) {
        throw new RangeError(`${what}: source tensor holds no map ${t.slot} of ${describe(m)}`);
      }
    }
    const bad41 = t.list41.find((c) => !(Number.isInteger(c) && c >= 0 && c < src41.channels));
    const bad43 = t.list43.find((c) => !(Number.isInteger(c) && c >= 0 && c < src43.channels));
    if (bad41 !== undefined || bad43 !== undefined) {
      throw new RangeError(`${what}: channel ${bad41 ?? bad43} is not one of the source's ${bad41 !== undefined ? src41.channels : src43.channels}`);
    }
    const window = t.window ?? { y0: 0, x0: 0, height: src41.height, width: src41.width };
    const map = out.items[k];
    const n = t.list41.length + t.list43.length;
    if (map.height !== window.height || map.width !== window.width || map.pad !== 0) {
      throw new RangeError(`${what}: output ${describe(map)} for an unpadded ${window.height}x${window.width} window`);
    }
    if (map.channels % 4 !== 0 || map.channels < n) {
      throw new RangeError(`${what}: output channels ${map.channels} for ${t.list43.length}+${t.list41.length} (need a multiple of 4)`);
    }
    if (map.offset % 4 !== 0 || out.tensor.size < map.offset + featureElements(map)) {
      throw new RangeError(`${what}: output ${describe(map)} at ${map.offset} is not a vec4 offset inside ${out.tensor.size} elements`);
    }
    const row = {
      base41: t.slot * featureElements(src41), base43: t.slot * featureElements(src43),
      lists: lists.length, n43: t.list43.length, n41: t.list41.length, scale: t.scale41,
      y0: window.y0, x0: window.x0, outHeight: window.height, outWidth: window.width, outC4: map.channels / 4, out: map.offset / 4,
    };
    lists.push(...t.list43, ...t.list41);
    return row;
  });
  // An empty list still needs a buffer to bind.
  const listTensor = engine.upload([Math.max(1, lists.length)], 'channel-gather lists', 'u32', Uint32Array.from(lists.length ? lists : [0]));
  const table = new StructTable(engine, 'channel-gather', 'Target', rows);
  try {
    const pixels = Math.max(...rows.map((r) => r.outHeight * r.outWidth));
    const [gx, gy] = grid1d(pixels, 64);
    const d = await engine.prepare({
      op: 'channel-gather',
      shader: 'channel-gather',
      buffers: { src41: src41.tensor, src43: src43.tensor, lists: listTensor, targets: table.tensor, out: out.tensor },
      params: { height: src41.height, width: src41.width, pad41: src41.pad, channels41: src41.channels, pad43: src43.pad, channels43: src43.channels },
      workgroups: [gx, gy ?? 1, targets.length],
      shapes: `${targets.length} x (${describe(src43)} + ${describe(src41)}) -> ${out.items.map(describe).join(', ')}`,
    });
    return makeOp(engine, 'channel-gather', { steps: [d], owned: [listTensor, table.tensor] });
  } catch (e) {
    listTensor.release();
    table.release();
    throw e;
  }
}
