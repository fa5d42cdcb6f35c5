import { grid1d } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import { makeOp, type Op } from '../runtime/op.ts';
import type { Tensor } from '../runtime/tensor.ts';
import { describe, featureElements, type FeatureMap } from './layout.ts';

/** Source rows/columns of the output: the whole map, or the template patch (templateWindow). */
export interface GatherWindow {
  y0: number;
  x0: number;
  height: number;
  width: number;
}

export interface GatherSources {
  /** relu4_1, all channels. */
  src41: FeatureMap;
  /** relu4_3: all channels with `idx43`, or a map already holding the selected channels in order (then `count43`). */
  src43: FeatureMap;
  idx41: Tensor<'u32'>;
  idx43?: Tensor<'u32'>;
  /** Selected channels in a subset src43 (default: src43.channels). Ignored when idx43 is given. */
  count43?: number;
  /** Balance factor for the conv4_1 channels (spec 3.4). */
  scale41: number;
  window?: GatherWindow;
  /** Which map of a batch stacked in the source tensors (one per target); default 0. */
  slot?: number;
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
 * One dispatch writing `out` (its border too): conv4_3's selected channels, then conv4_1's times the
 * balance factor, then zeros. `out` must be window-sized with at least gatheredChannels(n43 + n41)
 * channels, a multiple of 4.
 */
export async function channelGather(engine: Engine, s: GatherSources, out: FeatureMap): Promise<Op> {
  const { src41, src43 } = s;
  if (src41.height !== src43.height || src41.width !== src43.width) {
    throw new RangeError(`channel-gather: ${describe(src41)} and ${describe(src43)} differ in size`);
  }
  const slot = s.slot ?? 0;
  for (const m of [src41, src43]) {
    if (!Number.isInteger(slot) || slot < 0 || m.tensor.size < (slot + 1) * featureElements(m)) {
      throw new RangeError(`channel-gather: source tensor holds no map ${slot} of ${describe(m)}`);
    }
  }
  const window = s.window ?? { y0: 0, x0: 0, height: src41.height, width: src41.width };
  const n41 = s.idx41.size;
  const n43 = s.idx43 ? s.idx43.size : (s.count43 ?? src43.channels);
  if (!s.idx43 && n43 > src43.channels) throw new RangeError(`channel-gather: count43 ${n43} > ${src43.channels} channels`);
  if (out.height !== window.height || out.width !== window.width) {
    throw new RangeError(`channel-gather: output ${describe(out)} for a ${window.height}x${window.width} window`);
  }
  if (out.channels % 4 !== 0 || out.channels < n41 + n43) {
    throw new RangeError(`channel-gather: output channels ${out.channels} for ${n43}+${n41} (need a multiple of 4)`);
  }
  if (out.tensor.size < featureElements(out)) throw new RangeError(`channel-gather: tensor smaller than ${describe(out)}`);
  const outC4 = out.channels / 4;
  const count = featureElements(out) / 4;
  const d = await engine.prepare({
    op: 'channel-gather',
    shader: 'channel-gather',
    // With a subset src43 the conv4_3 list is unused, but the binding must hold a buffer: idx41 stands in.
    buffers: { src41: src41.tensor, src43: src43.tensor, list41: s.idx41, list43: s.idx43 ?? s.idx41, out: out.tensor },
    params: {
      outHeight: out.height, outWidth: out.width, outPad: out.pad, outC4,
      y0: window.y0, x0: window.x0, height: src41.height, width: src41.width,
      pad41: src41.pad, channels41: src41.channels, pad43: src43.pad, channels43: src43.channels,
      n41, n43, identity43: s.idx43 ? 0 : 1, scale: s.scale41,
      count, base41: slot * featureElements(src41), base43: slot * featureElements(src43),
    },
    workgroups: grid1d(count, 64),
    shapes: `${describe(src43)}[${n43}] + ${describe(src41)}[${n41}] -> ${describe(out)}`,
  });
  return makeOp(engine, 'channel-gather', { steps: [d] });
}
