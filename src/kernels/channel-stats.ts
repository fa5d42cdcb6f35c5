import { grid1d } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import { makeOp, type Op } from '../runtime/op.ts';
import type { Tensor } from '../runtime/tensor.ts';
import { describe, featureElements, type FeatureMap } from './layout.ts';

function checkMap(op: string, map: FeatureMap): void {
  if (map.channels % 4 !== 0) throw new RangeError(`${op}: channels ${map.channels} not a multiple of 4`);
  if (map.tensor.size < featureElements(map)) throw new RangeError(`${op}: tensor ${map.tensor.size} < ${describe(map)}`);
}

/**
 * out[c] = sum over the H x W interior of channel c (times 1/(H W) with `mean`: global average
 * pooling). `out` holds at least `map.channels` floats. Also sums a [fh][fw][C] ridge kernel seen as
 * a border-less map: the channel importance of spec 3.2.
 */
export async function channelSums(engine: Engine, map: FeatureMap, out: Tensor<'f32'>, options: { mean?: boolean } = {}): Promise<Op> {
  checkMap('channel-sums', map);
  if (out.size < map.channels) throw new RangeError(`channel-sums: output ${out.size} < ${map.channels} channels`);
  const c4 = map.channels / 4;
  const d = await engine.prepare({
    op: 'channel-sums',
    shader: 'channel-stats',
    buffers: { map: map.tensor, out },
    params: { height: map.height, width: map.width, pad: map.pad, c4, scale: options.mean ? 1 / (map.height * map.width) : 1 },
    workgroups: grid1d(c4, 8),
    shapes: `${describe(map)} -> ${map.channels}`,
  });
  return makeOp(engine, 'channel-sums', { steps: [d] });
}

/**
 * out[outIndex] = max over pixels of the sum of `list`'s channels (spec 3.4 balance, with the top 50
 * (Matlab code) or 49 (PyTorch port) ridge-ranked channels). One workgroup; no readback.
 */
export async function channelBalance(
  engine: Engine,
  map: FeatureMap,
  list: Tensor<'u32'>,
  out: Tensor<'f32'>,
  outIndex = 0,
): Promise<Op> {
  checkMap('channel-balance', map);
  if (list.size < 1) throw new RangeError('channel-balance: empty channel list');
  if (outIndex >= out.size) throw new RangeError(`channel-balance: outIndex ${outIndex} >= ${out.size}`);
  const d = await engine.prepare({
    op: 'channel-balance',
    shader: 'channel-stats-balance',
    buffers: { map: map.tensor, list, out },
    params: { height: map.height, width: map.width, pad: map.pad, channels: map.channels, count: list.size, outIndex },
    workgroups: [1],
    shapes: `${describe(map)} [${list.size} channels] -> 1`,
  });
  return makeOp(engine, 'channel-balance', { steps: [d] });
}
