import { type Dispatch, grid1d } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import type { Tensor } from '../runtime/tensor.ts';
import { Uniforms } from '../runtime/uniforms.ts';
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
export function channelSums(engine: Engine, map: FeatureMap, out: Tensor<'f32'>, options: { mean?: boolean } = {}): Promise<Dispatch> {
  checkMap('channel-sums', map);
  if (out.size < map.channels) throw new RangeError(`channel-sums: output ${out.size} < ${map.channels} channels`);
  const c4 = map.channels / 4;
  return engine.prepare({
    op: 'channel-sums',
    shader: 'channel-stats',
    buffers: [map.tensor, out],
    uniforms: new Uniforms(5).u32(map.height).u32(map.width).u32(map.pad).u32(c4)
      .f32(options.mean ? 1 / (map.height * map.width) : 1).bytes,
    workgroups: grid1d(c4, 8),
    shapes: `${describe(map)} -> ${map.channels}`,
  });
}

/**
 * out[outIndex] = max over pixels of the sum of `list`'s channels (spec 3.4 balance, with the top 50
 * (official) or 49 (port) ridge-ranked channels). One workgroup; no readback.
 */
export function channelBalance(
  engine: Engine,
  map: FeatureMap,
  list: Tensor<'u32'>,
  out: Tensor<'f32'>,
  outIndex = 0,
): Promise<Dispatch> {
  checkMap('channel-balance', map);
  if (list.size < 1) throw new RangeError('channel-balance: empty channel list');
  if (outIndex >= out.size) throw new RangeError(`channel-balance: outIndex ${outIndex} >= ${out.size}`);
  return engine.prepare({
    op: 'channel-balance',
    shader: 'channel-stats-balance',
    buffers: [map.tensor, list, out],
    uniforms: new Uniforms(6).u32(map.height).u32(map.width).u32(map.pad).u32(map.channels).u32(list.size).u32(outIndex).bytes,
    workgroups: [1],
    shapes: `${describe(map)} [${list.size} channels] -> 1`,
  });
}
