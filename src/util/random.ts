// Small, fully specified random generators. The reference outputs in shared/data were produced
// with exactly these formulas, so any change here breaks bit-exact comparisons.

/**
 * mulberry32: 32-bit state, period 2^32. Returns uniforms in [0, 1) with 32 bits of resolution.
 *   s += 0x6D2B79F5; t = imul(s ^ s>>>15, s|1); t ^= t + imul(t ^ t>>>7, t|61);
 *   return ((t ^ t>>>14) >>> 0) / 2^32
 */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Standard normals by Box-Muller, cosine branch only: z = sqrt(-2 ln(1 - u1)) cos(2 pi u2).
 * Two uniforms are consumed per normal (the sine branch is discarded) so that the n-th normal
 * always depends on uniforms 2n and 2n+1. `1 - u1` is in (0, 1], so the log never sees 0.
 */
export function normalGenerator(uniform: () => number): () => number {
  return () => {
    const u1 = uniform();
    const u2 = uniform();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  };
}
