// Whether two engines computed the same map. f32 results differ by summation order, and Winograd
// (ours) rounds differently from direct or im2col convolution, so the measure is relative to the
// map's scale: max |a - b| / max |b|.
import type { DenseMap } from './trunk.ts';

export interface Agreement {
  maxAbsDiff: number;
  maxAbsRef: number;
  /** maxAbsDiff / maxAbsRef; NaN or Infinity when a value is not finite. */
  relative: number;
}

export function compareMaps(actual: DenseMap, reference: DenseMap): Agreement {
  const shape = (m: DenseMap) => `${m.height}x${m.width}x${m.channels}`;
  if (shape(actual) !== shape(reference)) throw new RangeError(`output ${shape(actual)}, expected ${shape(reference)}`);
  let maxAbsDiff = 0;
  let maxAbsRef = 0;
  for (let i = 0; i < reference.data.length; i++) {
    const d = Math.abs(actual.data[i]! - reference.data[i]!);
    if (Number.isNaN(d)) return { maxAbsDiff: NaN, maxAbsRef, relative: NaN };
    if (d > maxAbsDiff) maxAbsDiff = d;
    maxAbsRef = Math.max(maxAbsRef, Math.abs(reference.data[i]!));
  }
  return { maxAbsDiff, maxAbsRef, relative: maxAbsDiff / maxAbsRef };
}
