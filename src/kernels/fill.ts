import { grid1d } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import { makeOp, type Op } from '../runtime/op.ts';
import type { Tensor } from '../runtime/tensor.ts';

const WG = 64;

/** Sets every element of the f32 tensor `out` to `value`; `set({ value })` changes it between runs. */
export async function fill(engine: Engine, out: Tensor<'f32'>, value: number): Promise<Op<{ value: number }>> {
  const d = await engine.prepare({
    op: 'fill',
    shader: 'fill',
    constants: { WG },
    buffers: { out },
    params: { count: out.size, value },
    workgroups: grid1d(out.size, WG),
    shapes: `[${out.shape}]`,
  });
  return makeOp(engine, 'fill', { steps: [d], set: (values) => d.set(values) });
}
