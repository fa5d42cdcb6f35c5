import { bilinearTaps, type TwoTaps, twoTaps } from './interp.ts';

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

function bilinear(x: Float32Array, F: number, C: number, t: TwoTaps): Float64Array {
  const out = new Float64Array(F * F * C);
  const at = (r: number, c: number, ch: number) => x[(r * F + c) * C + ch];
  for (let y = 0; y < F; y++) {
    for (let xx = 0; xx < F; xx++) {
      for (let ch = 0; ch < C; ch++) {
        const row0 = t.w0[xx] * at(t.i0[y], t.i0[xx], ch) + t.w1[xx] * at(t.i0[y], t.i1[xx], ch);
        const row1 = t.w0[xx] * at(t.i1[y], t.i0[xx], ch) + t.w1[xx] * at(t.i1[y], t.i1[xx], ch);
        out[(y * F + xx) * C + ch] = t.w0[y] * row0 + t.w1[y] * row1;
      }
    }
  }
  return out;
}

/** The three pyramid levels of an F x F x C HWC map: [shrunk view (x 45/47), x itself, enlarged (x 45/43)]. */
export function featurePyramidCpu(x: Float32Array, F: number, C: number, alignCorners: boolean) {
  const { up, down } = pyramidTaps(F, alignCorners);
  return [bilinear(x, F, C, up), Float64Array.from(x), bilinear(x, F, C, down)] as const;
}
