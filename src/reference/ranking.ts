import { type Contribution, contributions, resizeRowsThenColumns } from './matlab-imresize.ts';

/** How each ranking sample is resized (spec 3.3). */
export type RankingResize = 'bicubic-antialias' | 'bilinear-align-corners';

/**
 * Weights of output o (0-based) of a 1-D resize from inLen to outLen.
 * - bicubic-antialias (M): Matlab imresize(A, [s s]) default, bicubic, scale out/in, antialiased
 *   when shrinking.
 * - bilinear-align-corners (P): F.interpolate bilinear, align_corners=True: source o (in-1)/(out-1)
 *   (0 when out = 1), the right neighbour clamped. Taken in float64 where PyTorch rounds the ratio
 *   and the position to float32: ~1e-7 relative, far below anything the ranking decides on.
 */
function axisWeights(o: number, inLen: number, outLen: number, method: RankingResize): Contribution {
  if (method === 'bicubic-antialias') return contributions(o + 1, inLen, outLen / inLen, 'bicubic', true);
  const src = outLen > 1 ? (o * (inLen - 1)) / (outLen - 1) : 0;
  const i = Math.min(Math.floor(src), inLen - 1);
  return { index: [i, Math.min(i + 1, inLen - 1)], weight: [1 - (src - i), src - i] };
}

/** The H x W x C map (unpadded HWC) resized to s x s, float64, rows first (Matlab's order for a square map). */
export function resizeMapCpu(x: ArrayLike<number>, height: number, width: number, channels: number, s: number, method: RankingResize): Float64Array {
  const src = { read: (r: number, c: number, ch: number) => x[(r * width + c) * channels + ch], height, width, channels };
  return resizeRowsThenColumns(src, s, s, (o) => axisWeights(o, height, s, method), (o) => axisWeights(o, width, s, method));
}

/** Samples [n][fh][fw][C]: rows floor((s-1)/2) +- floor(fh/2) of each s x s resize, columns likewise. */
export function rankingSamplesCpu(
  x: ArrayLike<number>, height: number, width: number, channels: number,
  fh: number, fw: number, sizes: number[], method: RankingResize,
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
 * The explicit route of spec 3.3 (what P's autograd does): dX = sum_j g_j (crop of resize j)^T W,
 * then r_c = sum over space of dX[c]. Used to prove r_c = K sum W[c]. K = sum g cancels terms ~1e5
 * times larger than itself, so the weights must sum to 1 to ~1e-16: they do here (float64, Matlab's
 * normalised contributions); float32 weights would move r_c by ~1e-2 relative, which is why P's
 * float32 autograd flips ~2% of the signs (fixture f32_route_mask_agree = 501 of 512 on Skiing) and
 * why the tracker uses the closed form.
 */
export function rankingChannelScoresExplicit(
  height: number, width: number, channels: number, fh: number, fw: number,
  sizes: number[], method: RankingResize, weights: ArrayLike<number>, g: ArrayLike<number>,
): Float64Array {
  const dx = new Float64Array(height * width * channels);
  sizes.forEach((s, j) => {
    const r0 = Math.floor((s - 1) / 2) - Math.floor(fh / 2);
    const c0 = Math.floor((s - 1) / 2) - Math.floor(fw / 2);
    for (let r = 0; r < fh; r++) {
      const rows = axisWeights(r0 + r, height, s, method);
      for (let q = 0; q < fw; q++) {
        const cols = axisWeights(c0 + q, width, s, method);
        rows.index.forEach((iy, a) => {
          cols.index.forEach((ix, b) => {
            const w = g[j] * rows.weight[a] * cols.weight[b];
            const at = (iy * width + ix) * channels;
            for (let c = 0; c < channels; c++) dx[at + c] += w * weights[(c * fh + r) * fw + q];
          });
        });
      }
    }
  });
  const r = new Float64Array(channels);
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < channels; c++) r[c] += dx[p * channels + c];
  }
  return r;
}
