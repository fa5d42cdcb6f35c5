import type { Dispatch } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import { Uniforms } from '../runtime/uniforms.ts';
import { pyramidTaps } from '../reference/feature-pyramid.ts';
import { packTwoTaps } from '../reference/interp.ts';
import { describe, featureElements, type FeatureMap } from './layout.ts';

const WG = 16;

/**
 * The 3-level feature pyramid (spec 4.2, 8.18), prepared once per sequence. `maps[1]` is the
 * input itself (no copy); maps[0] and maps[2] are written by one fused dispatch. Unpadded HWC,
 * F x F x C with C a multiple of 4. alignCorners: true = official (Matlab bilinear sampler),
 * false = pytorch-port (F.interpolate align_corners=False). No per-frame parameters.
 */
export interface FeaturePyramid {
  dispatch: Dispatch;
  maps: readonly [FeatureMap, FeatureMap, FeatureMap];
  release(): void;
}

export async function featurePyramid(engine: Engine, input: FeatureMap, alignCorners: boolean): Promise<FeaturePyramid> {
  const { height: F, width, channels: C, pad } = input;
  if (F !== width || pad !== 0 || C % 4 !== 0 || F < 1) {
    throw new RangeError(`feature-pyramid: need a square unpadded map with channels % 4 == 0, got ${describe(input)}`);
  }
  const { up, down } = pyramidTaps(F, alignCorners);
  const table = packTwoTaps(up, down);
  const taps = engine.upload([table.length], 'feature-pyramid taps', 'f32', table);
  const n = featureElements(input);
  const level = (label: string): FeatureMap => ({ ...input, tensor: engine.tensor([n], label) });
  const [first, third] = [level('pyramid x45/47'), level('pyramid x45/43')];
  const dispatch = await engine.prepare({
    op: 'feature-pyramid',
    shader: 'feature-pyramid',
    constants: { WG },
    buffers: [input.tensor, taps, first.tensor, third.tensor],
    uniforms: new Uniforms(2).u32(F).u32(C / 4).bytes,
    workgroups: [F],
    shapes: describe(input),
  });
  const release = () => (engine.discard(dispatch), [taps, first.tensor, third.tensor].forEach((t) => t.release()));
  return { dispatch, maps: [first, input, third], release };
}
