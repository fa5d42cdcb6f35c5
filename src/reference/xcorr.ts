/**
 * Valid correlation of each search map (F x F x C, HWC) with the template Z (ph x pw x C),
 * summed over channels, placed into zero F x F maps at (floor(ph/2), floor(pw/2)) (spec 4.3).
 * Returns [3][F][F] in f64, and the same sums over |x z| (for error bounds).
 */
export function xcorrCpu(search: readonly Float32Array[], z: Float32Array, F: number, C: number, ph: number, pw: number) {
  const out = new Float64Array(search.length * F * F);
  const magnitude = new Float64Array(search.length * F * F);
  const [oy, ox] = [Math.floor(ph / 2), Math.floor(pw / 2)];
  search.forEach((x, s) => {
    for (let y = 0; y + ph <= F; y++) {
      for (let xx = 0; xx + pw <= F; xx++) {
        let sum = 0;
        let abs = 0;
        for (let r = 0; r < ph; r++) {
          const xBase = ((y + r) * F + xx) * C;
          const zBase = r * pw * C;
          for (let t = 0; t < pw * C; t++) {
            const p = x[xBase + t] * z[zBase + t];
            sum += p;
            abs += Math.abs(p);
          }
        }
        const at = (s * F + y + oy) * F + xx + ox;
        out[at] = sum;
        magnitude[at] = abs;
      }
    }
  });
  return { out, magnitude };
}
