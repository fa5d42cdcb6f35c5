import { expect } from 'chai';
import type { FeatureMap } from '../../src/kernels/layout.ts';

/** Interior of a 4-channel padded map as HWC with 3 channels, and a check that the rest is zero. */
export async function readRgbInterior(map: FeatureMap): Promise<Float32Array> {
  const all = await map.tensor.read();
  const n = map.width;
  const out = new Float32Array(n * n * 3);
  let strayNonZero = 0;
  for (let y = 0; y < n + 2; y++) {
    for (let x = 0; x < n + 2; x++) {
      const at = (y * (n + 2) + x) * 4;
      const inside = y >= 1 && y <= n && x >= 1 && x <= n;
      if (inside) out.set(all.subarray(at, at + 3), ((y - 1) * n + (x - 1)) * 3);
      for (let c = inside ? 3 : 0; c < 4; c++) if (all[at + c] !== 0) strayNonZero++;
    }
  }
  expect(strayNonZero, 'border and 4th channel must stay zero').to.equal(0);
  return out;
}
