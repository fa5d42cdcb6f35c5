import { cropTaps, resizeTaps, type ResizeMethod } from '../kernels/ranking.ts';
import { resampleAxis, type TapWindow } from './interp.ts';

/**
 * CPU reference of the ranking samples and scorer, float64 arithmetic on the shared f32 weight
 * tables, written the way the references do it: resize the whole H x W x C map (unpadded HWC) to
 * s x s, then crop the centred fh x fw patch.
 */
export function resizeMapCpu(x: ArrayLike<number>, height: number, width: number, channels: number, s: number, method: ResizeMethod): Float64Array {
  const rows = resampleAxis(x, 1, height, width * channels, resizeTaps(height, s, method));
  return resampleAxis(rows, s, width, channels, resizeTaps(width, s, method));
}

/** Samples [n][fh][fw][C]: rows floor((s-1)/2) +- floor(fh/2) of each s x s resize, columns likewise. */
export function rankingSamplesCpu(
  x: ArrayLike<number>, height: number, width: number, channels: number,
  fh: number, fw: number, sizes: number[], method: ResizeMethod,
): Float64Array[] {
  return sizes.map((s) => {
    const full = resizeMapCpu(x, height, width, channels, s, method);
    const r0 = Math.floor((s - 1) / 2) - Math.floor(fh / 2);
    const c0 = Math.floor((s - 1) / 2) - Math.floor(fw / 2);
    const out = new Float64Array(fh * fw * channels);
    for (let r = 0; r < fh; r++) {
      for (let q = 0; q < fw; q++) {
        for (let c = 0; c < channels; c++) out[(r * fw + q) * channels + c] = full[((r0 + r) * s + c0 + q) * channels + c];
      }
    }
    return out;
  });
}

/** f_j = sum_{c,r,q} W[c][r][q] sample_j[r][q][c]; weights [C][fh][fw], no bias (it is 0). */
export function rankingScoresCpu(samples: Float64Array[], weights: ArrayLike<number>, channels: number, fh: number, fw: number): Float64Array {
  return Float64Array.from(samples, (sample) => {
    let f = 0;
    for (let c = 0; c < channels; c++) {
      for (let t = 0; t < fh * fw; t++) f += weights[c * fh * fw + t] * sample[t * channels + c];
    }
    return f;
  });
}

/**
 * The explicit route of spec 3.3 (what P's autograd does): dX = sum_j g_j * (transpose of resize j
 * and crop)(W), then r_c = sum over space of dX[c]. Used to prove r_c = K sum W[c].
 * Each row of weights is renormalised to sum 1 in float64: the tables hold f32 weights, and K = sum g
 * cancels terms ~1e5 times larger than itself, so a 1e-7 error in a row sum would show as ~1e-2 in
 * r_c. That amplification is why P's float32 autograd flips ~2% of the signs (fixture
 * f32_route_mask_agree = 501 of 512 on Skiing) and why the tracker uses the closed form.
 */
export function rankingChannelScoresExplicit(
  height: number, width: number, channels: number, fh: number, fw: number,
  sizes: number[], method: ResizeMethod, weights: ArrayLike<number>, g: ArrayLike<number>,
): Float64Array {
  const dx = new Float64Array(height * width * channels);
  sizes.forEach((s, j) => {
    const rows = normalised(cropTaps(height, s, fh, method));
    const cols = normalised(cropTaps(width, s, fw, method));
    for (let r = 0; r < fh; r++) {
      for (let q = 0; q < fw; q++) {
        for (let a = 0; a < rows.K; a++) {
          for (let b = 0; b < cols.K; b++) {
            const w = g[j] * rows.weights[r * rows.K + a] * cols.weights[q * cols.K + b];
            if (w === 0) continue;
            const at = ((rows.base[r] + a) * width + cols.base[q] + b) * channels;
            for (let c = 0; c < channels; c++) dx[at + c] += w * weights[(c * fh + r) * fw + q];
          }
        }
      }
    }
  });
  const r = new Float64Array(channels);
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < channels; c++) r[c] += dx[p * channels + c];
  }
  return r;
}

function normalised(t: TapWindow): { K: number; base: Int32Array; weights: Float64Array } {
  const weights = Float64Array.from(t.weights);
  for (let o = 0; o < t.base.length; o++) {
    const row = weights.subarray(o * t.K, (o + 1) * t.K);
    const sum = row.reduce((a, b) => a + b, 0);
    row.forEach((w, k) => (row[k] = w / sum));
  }
  return { K: t.K, base: t.base, weights };
}
