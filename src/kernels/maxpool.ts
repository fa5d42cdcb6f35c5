import { grid1d } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import { makeOp, type Op } from '../runtime/op.ts';
import { describe, type FeatureMap } from './layout.ts';

const WG = 64;

/**
 * 2x2 max pooling, stride 2, floor mode, from the interior of `input` into the interior of
 * `output` (borders of any width; the output's border is left as it is). The backbone fuses the
 * pooling into the conv instead (conv2d3x3's `pool` option), which saves this pass.
 */
export async function maxpool2x2(engine: Engine, input: FeatureMap, output: FeatureMap): Promise<Op> {
  const shapes = `${describe(input)} -> ${describe(output)}`;
  const [h, w] = [Math.floor(input.height / 2), Math.floor(input.width / 2)];
  if (output.height !== h || output.width !== w || output.channels !== input.channels || input.channels % 4 !== 0) {
    throw new RangeError(`maxpool2x2 ${shapes}: output must be ${h}x${w}x${input.channels} (channels a multiple of 4)`);
  }
  const c4 = input.channels / 4;
  const d = await engine.prepare({
    op: 'maxpool2x2',
    shader: 'maxpool2x2',
    constants: { WG },
    buffers: { input: input.tensor, out: output.tensor },
    params: { inWidth: input.width, inPad: input.pad, outWidth: w, outHeight: h, outPad: output.pad, c4 },
    workgroups: grid1d(w * h * c4, WG),
    shapes,
  });
  return makeOp(engine, 'maxpool2x2', { steps: [d] });
}
