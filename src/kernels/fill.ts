import { type Dispatch, grid1d } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import type { Tensor } from '../runtime/tensor.ts';
import { Uniforms } from '../runtime/uniforms.ts';

const WG = 64;

/** A dispatch that sets every element of the f32 tensor `out` to `value`. */
export function fill(engine: Engine, out: Tensor<'f32'>, value: number): Promise<Dispatch> {
  return engine.prepare({
    op: 'fill',
    shader: 'fill',
    constants: { WG },
    buffers: [out],
    uniforms: new Uniforms(2).u32(out.size).f32(value).bytes,
    workgroups: grid1d(out.size, WG),
    shapes: `[${out.shape}]`,
  });
}
