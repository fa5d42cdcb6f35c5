import { grid1d } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import { makeOp, type Op } from '../runtime/op.ts';
import type { Tensor } from '../runtime/tensor.ts';
import { describe, type FeatureMap } from './layout.ts';

const WG = 8;

/**
 * Cross-correlation of the three pyramid levels with the template (spec 4.3, 8.19), prepared once
 * per sequence: one dispatch per level, all into `output`, f32 [3][F][F] row-major whose border
 * (outside the valid (F-ph+1) x (F-pw+1) block) is zeroed once here and never written.
 * Accumulates in f32, one running sum per output: the error is about sqrt(ph pw C / 4) x 6e-8 of
 * the sum of |x z| over its taps (measured 7e-6 at 19 x 11 x 300: a value near 7e7 is good to
 * ~500, far below what moves the argmax after normalisation).
 * No per-frame parameters.
 */
export interface Xcorr extends Op {
  readonly output: Tensor<'f32'>;
}

export async function xcorr(
  engine: Engine,
  search: readonly [FeatureMap, FeatureMap, FeatureMap],
  template: FeatureMap,
): Promise<Xcorr> {
  const { height: F, channels: C } = search[0];
  const { height: ph, width: pw } = template;
  const bad = (m: FeatureMap) => m.pad !== 0 || m.channels !== C || C % 4 !== 0;
  if (search.some((m) => bad(m) || m.height !== F || m.width !== F) || bad(template)) {
    throw new RangeError(
      `xcorr: need unpadded F x F x C search maps and a ph x pw x C template, C % 4 == 0; got ` +
        `${search.map(describe).join(', ')} and ${describe(template)}`,
    );
  }
  if (ph % 2 !== 1 || pw % 2 !== 1 || ph > F || pw > F) throw new RangeError(`xcorr: template ${ph}x${pw} must be odd and fit in ${F}`);
  const output = engine.tensor([3, F, F], 'xcorr out');
  output.write(new Float32Array(3 * F * F));
  const [ho, wo] = [F - ph + 1, F - pw + 1];
  // Blocks of 2 rows x 7 columns per invocation (see the shader).
  const groupsX = Math.ceil(wo / 7);
  const steps = await Promise.all(
    search.map((map, s) =>
      engine.prepare({
        op: 'xcorr',
        shader: 'xcorr',
        constants: { WG },
        buffers: { x: map.tensor, z: template.tensor, out: output },
        params: { F, C4: C / 4, ph, pw, ho, wo, groupsX, offset: (s * F + Math.floor(ph / 2)) * F + Math.floor(pw / 2) },
        workgroups: grid1d(Math.ceil(ho / 2) * groupsX, WG),
        shapes: `${describe(map)} * ${describe(template)}`,
      }),
    ),
  );
  return { ...makeOp(engine, 'xcorr', { steps, owned: [output] }), output };
}
