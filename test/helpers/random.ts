/** Seeded uniform floats in [lo, hi) for kernel tests (xorshift32: tiny and reproducible). */
export function seededArray(length: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = lo + ((hi - lo) * s) / 4294967296;
  }
  return out;
}

/** Largest |a-b| / (atol + rtol*|b|); <= 1 means within tolerance. */
export function worstError(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number) {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const e = Math.abs(actual[i] - expected[i]) / (atol + rtol * Math.abs(expected[i]));
    if (Number.isNaN(e)) return { worst: Infinity, at: i, actual: actual[i], expected: expected[i] };
    if (e > worst) {
      worst = e;
      at = i;
    }
  }
  return { worst, at, actual: actual[at], expected: expected[at] };
}
