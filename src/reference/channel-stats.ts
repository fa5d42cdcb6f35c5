/** CPU references of channel-stats, on unpadded H x W x C HWC arrays, float64 sums. */

export function channelSumsCpu(x: ArrayLike<number>, height: number, width: number, channels: number, mean = false): Float64Array {
  const out = new Float64Array(channels);
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < channels; c++) out[c] += x[p * channels + c];
  }
  if (mean) for (let c = 0; c < channels; c++) out[c] /= height * width;
  return out;
}

export function channelBalanceCpu(x: ArrayLike<number>, height: number, width: number, channels: number, list: ArrayLike<number>): number {
  let best = -Infinity;
  for (let p = 0; p < height * width; p++) {
    let s = 0;
    for (let k = 0; k < list.length; k++) s += x[p * channels + list[k]];
    best = Math.max(best, s);
  }
  return best;
}
