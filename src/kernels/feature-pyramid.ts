import type { Engine } from '../runtime/engine.ts';
import { makeOp, type Op } from '../runtime/op.ts';
import { StructTable } from '../runtime/struct-table.ts';
import { bilinearTaps, packTwoTaps, type TwoTaps, twoTaps } from './interp.ts';
import { type Batch, batchOffsets, describe, type MapShape, stackElements, type StackShape } from './layout.ts';

const WG = 16;

/** F outputs taking `source`'s taps at position(d), or zero weights (a zero cell) where that is null. */
function remap(source: TwoTaps | null, F: number, position: (d: number) => number | null): TwoTaps {
  const t: TwoTaps = { i0: new Int32Array(F), i1: new Int32Array(F), w0: new Float64Array(F), w1: new Float64Array(F) };
  for (let d = 0; d < F; d++) {
    const p = source && position(d);
    if (source === null || p === null) continue;
    t.i0[d] = source.i0[p];
    t.i1[d] = source.i1[p];
    t.w0[d] = source.w0[p];
    t.w1[d] = source.w1[p];
  }
  return t;
}

/**
 * Per-axis taps of the two resized pyramid levels, already cropped or padded to F (spec 4.2):
 * `up` samples (F+2)-grid positions 1..F (the centre crop of the enlarged map); `down` samples
 * (F-2)-grid positions 0..F-3 at 1..F-2 and has zero weights on the 1-cell border (the zero pad).
 * With F < 3 the shrunk level does not exist and `down` is all zeros (PyTorch would refuse).
 */
export function pyramidTaps(F: number, alignCorners: boolean): { up: TwoTaps; down: TwoTaps } {
  const up = remap(twoTaps(bilinearTaps(F, F + 2, alignCorners)), F, (d) => d + 1);
  const shrunk = F >= 3 ? twoTaps(bilinearTaps(F, F - 2, alignCorners)) : null;
  const down = remap(shrunk, F, (d) => (d >= 1 && d <= F - 2 ? d - 1 : null));
  return { up, down };
}

/**
 * The 3-level feature pyramid (spec 4.2, 8.18) of each target's search map, prepared once per
 * sequence: one dispatch writes, per target, the stack [x45/47, x1, x45/43] of unpadded HWC
 * F x F x C maps, C a multiple of 4 (the target's own), so that xcorr reads all levels of all
 * targets in one dispatch. The maps share F (one backbone's). alignCorners: true = Matlab's
 * bilinear sampler on linspace(-1, 1), false = F.interpolate align_corners=False. No per-frame values.
 */
export interface FeaturePyramid extends Op {
  readonly levels: Batch<StackShape>;
}

export async function featurePyramid(engine: Engine, input: Batch<MapShape>, alignCorners: boolean): Promise<FeaturePyramid> {
  const F = input.items[0]?.height;
  for (const map of input.items) {
    const { height, width, channels: C, pad, offset } = map;
    if (height !== F || width !== F || pad !== 0 || C % 4 !== 0 || F < 1 || offset % 4 !== 0 || input.tensor.size < offset + F * F * C) {
      throw new RangeError(`feature-pyramid: need square unpadded maps of one side with channels % 4 == 0 at vec4 offsets inside the tensor, got ${input.items.map(describe).join(', ')}`);
    }
  }
  if (F === undefined) throw new RangeError('feature-pyramid: no maps');
  const stacks = input.items.map(({ channels }) => ({ count: 3, height: F, width: F, channels }));
  const { offsets, total } = batchOffsets(stacks.map(stackElements));
  const { up, down } = pyramidTaps(F, alignCorners);
  const table = packTwoTaps(up, down);
  const taps = engine.upload([table.length], 'feature-pyramid taps', 'f32', table);
  const levels: Batch<StackShape> = {
    tensor: engine.tensor([total], 'pyramid levels'),
    items: stacks.map((s, k) => ({ ...s, offset: offsets[k] })),
  };
  const rows = input.items.map((map, k) => ({ C4: map.channels / 4, src: map.offset / 4, levels: offsets[k] / 4 }));
  const targets = new StructTable(engine, 'feature-pyramid', 'Target', rows);
  const owned = [taps, levels.tensor, targets.tensor];
  try {
    const dispatch = await engine.prepare({
      op: 'feature-pyramid',
      shader: 'feature-pyramid',
      constants: { WG },
      buffers: { src: input.tensor, taps, levels: levels.tensor, targets: targets.tensor },
      params: { F },
      workgroups: [F, 1, rows.length],
      shapes: input.items.map(describe).join(', '),
    });
    return { ...makeOp(engine, 'feature-pyramid', { steps: [dispatch], owned }), levels };
  } catch (e) {
    owned.forEach((t) => t.release());
    throw e;
  }
}
