import { grid1d } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import { makeOp, type Op } from '../runtime/op.ts';
import { StructTable } from '../runtime/struct-table.ts';
import type { Tensor } from '../runtime/tensor.ts';
import { type Batch, describe, featureElements, type MapShape, stackElements, type StackShape } from './layout.ts';

const WG = 8;

/**
 * Cross-correlation of each pyramid level with its target's template (spec 4.3, 8.19), for a batch
 * of targets sharing F, prepared once per sequence: one dispatch for all levels of all targets,
 * into `output`, f32 [targets][levels][F][F] row-major whose border (outside each target's valid
 * (F-ph+1) x (F-pw+1) block) is zeroed once here and never written.
 * Accumulates in f32, one running sum per output: the error is about sqrt(ph pw C / 4) x 6e-8 of
 * the sum of |x z| over its taps (measured 7e-6 at 19 x 11 x 300: a value near 7e7 is good to
 * ~500, far below what moves the argmax after normalisation).
 * No per-frame values.
 */
export interface Xcorr extends Op {
  readonly output: Tensor<'f32'>;
}

export async function xcorr(engine: Engine, search: Batch<StackShape>, templates: Batch<MapShape>): Promise<Xcorr> {
  const T = search.items.length;
  const F = search.items[0]?.height;
  if (F === undefined || templates.items.length !== T) throw new RangeError(`xcorr: ${T} search stacks for ${templates.items.length} templates`);
  const rows = search.items.map((stack, k) => {
    const template = templates.items[k];
    const { height, width, channels: C, count } = stack;
    const { height: ph, width: pw } = template;
    const shapes = `target ${k}: ${count}x${height}x${width}x${C} * ${describe(template)}`;
    const inside = (b: Batch<unknown>, at: number, n: number) => at % 4 === 0 && b.tensor.size >= at + n;
    if (height !== F || width !== F || count !== 3 || C % 4 !== 0 || template.pad !== 0 || template.channels !== C ||
        !inside(search, stack.offset, stackElements(stack)) || !inside(templates, template.offset, featureElements(template))) {
      throw new RangeError(`xcorr: need stacks of 3 F x F x C search maps (one F) and unpadded ph x pw x C templates, C % 4 == 0, at vec4 offsets; got ${shapes}`);
    }
    if (ph % 2 !== 1 || pw % 2 !== 1 || ph > F || pw > F) throw new RangeError(`xcorr: template ${ph}x${pw} must be odd and fit in ${F}`);
    const [ho, wo] = [F - ph + 1, F - pw + 1];
    // Blocks of 2 rows x 7 columns per invocation (see the shader).
    const groupsX = Math.ceil(wo / 7);
    const offset = k * 3 * F * F + Math.floor(ph / 2) * F + Math.floor(pw / 2);
    return { C4: C / 4, ph, pw, ho, wo, groupsX, offset, x: stack.offset / 4, z: template.offset / 4 };
  });
  const output = engine.tensor([T, 3, F, F], 'xcorr out');
  output.write(new Float32Array(T * 3 * F * F));
  const table = new StructTable(engine, 'xcorr', 'Target', rows);
  try {
    const blocks = Math.max(...rows.map((r) => Math.ceil(r.ho / 2) * r.groupsX));
    const [gx, gy] = grid1d(blocks, WG);
    const dispatch = await engine.prepare({
      op: 'xcorr',
      shader: 'xcorr',
      constants: { WG },
      buffers: { x: search.tensor, z: templates.tensor, out: output, targets: table.tensor },
      params: { F },
      workgroups: [gx, gy ?? 1, 3 * T],
      shapes: search.items.map((s, k) => `3x${F}x${F}x${s.channels} * ${describe(templates.items[k])}`).join(', '),
    });
    return { ...makeOp(engine, 'xcorr', { steps: [dispatch], owned: [output, table.tensor] }), output };
  } catch (e) {
    output.release();
    table.release();
    throw e;
  }
}
