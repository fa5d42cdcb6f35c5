import { grid1d } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import { makeOp, type Op } from '../runtime/op.ts';
import type { Tensor } from '../runtime/tensor.ts';
import { describe, type FeatureMap, type FeatureStack } from './layout.ts';

const WG = 8;

/**
 * Cross-correlation of each pyramid level with the template (spec 4.3, 8.19), prepared once per
 * sequence: one dispatch for all levels, into `output`, f32 [levels][F][F] row-major whose border
 * (outside the valid (F-ph+1) x (F-pw+1) block) is zeroed once here and never written.
 * Accumulates in f32, one running sum per output: the error is about sqrt(ph pw C / 4) x 6e-8 of
 * the sum of |x z| over its taps (measured 7e-6 at 19 x 11 x 300: a value near 7e7 is good to
 * ~500, far below what moves the argmax after normalisation).
 * No per-frame values.
 */
export interface Xcorr extends Op {
  readonly output: Tensor<'f32'>;
}

export async function xcorr(engine: Engine, search: FeatureStack, template: FeatureMap): Promise<Xcorr> {
  const { height: F, width, channels: C, count } = search;
  const { height: ph, width: pw } = template;
  const shapes = `${count}x${F}x${width}x${C} * ${describe(template)}`;
  if (F !== width || C % 4 !== 0 || template.pad !== 0 || template.channels !== C || search.tensor.size < count * F * F * C) {
    throw new RangeError(`xcorr: need a stack of F x F x C search maps and an unpadded ph x pw x C template, C % 4 == 0; got ${shapes}`);
  }
  if (ph % 2 !== 1 || pw % 2 !== 1 || ph > F || pw > F) throw new RangeError(`xcorr: template ${ph}x${pw} must be odd and fit in ${F}`);
  const output = engine.tensor([count, F, F], 'xcorr out');
  output.write(new Float32Array(count * F * F));
  const [ho, wo] = [F - ph + 1, F - pw + 1];
  // Blocks of 2 rows x 7 columns per invocation (see the shader).
  const groupsX = Math.ceil(wo / 7);
  const [gx, gy] = grid1d(Math.ceil(ho / 2) * groupsX, WG);
  const dispatch = await engine.prepare({
    op: 'xcorr',
    shader: 'xcorr',
    constants: { WG },
    buffers: { x: search.tensor, z: template.tensor, out: output },
    params: { F, C4: C / 4, ph, pw, ho, wo, groupsX, offset: Math.floor(ph / 2) * F + Math.floor(pw / 2) },
    workgroups: [gx, gy ?? 1, count],
    shapes,
  });
  return { ...makeOp(engine, 'xcorr', { steps: [dispatch], owned: [output] }), output };
}
