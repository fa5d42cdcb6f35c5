/** CPU reference of channel-gather, plus the layout helper the tests use to build padded maps. */

/** An unpadded H x W x C HWC array copied into a zero border of `pad` cells (FeatureMap layout). */
export function padHWC(x: ArrayLike<number>, height: number, width: number, channels: number, pad: number): Float32Array {
  const pw = width + 2 * pad;
  const out = new Float32Array((height + 2 * pad) * pw * channels);
  for (let y = 0; y < height; y++) {
    for (let xx = 0; xx < width; xx++) {
      const src = (y * width + xx) * channels;
      out.set(Array.prototype.slice.call(x, src, src + channels) as number[], ((y + pad) * pw + xx + pad) * channels);
    }
  }
  return out;
}

/**
 * CPU reference on unpadded H x W x C arrays: conv4_3 channels list43, then conv4_1 channels list41
 * times scale, zero-filled to `outChannels`, over the window (outside the map reads as zero).
 */
export function channelGatherCpu(
  x41: ArrayLike<number>,
  x43: ArrayLike<number>,
  height: number,
  width: number,
  channels: number,
  list41: ArrayLike<number>,
  list43: ArrayLike<number>,
  scale: number,
  window: { y0: number; x0: number; height: number; width: number },
  outChannels: number,
): Float32Array {
  const out = new Float32Array(window.height * window.width * outChannels);
  for (let oy = 0; oy < window.height; oy++) {
    for (let ox = 0; ox < window.width; ox++) {
      const sy = window.y0 + oy;
      const sx = window.x0 + ox;
      if (sy < 0 || sy >= height || sx < 0 || sx >= width) continue;
      const src = (sy * width + sx) * channels;
      const dst = (oy * window.width + ox) * outChannels;
      for (let k = 0; k < list43.length; k++) out[dst + k] = x43[src + list43[k]];
      for (let k = 0; k < list41.length; k++) out[dst + list43.length + k] = scale * x41[src + list41[k]];
    }
  }
  return out;
}
