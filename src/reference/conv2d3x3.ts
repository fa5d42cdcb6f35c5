// CPU references for the conv kernels, plus conversions between dense HWC arrays and the padded
// FeatureMap layout (a zero border, channels padded) that tests use to feed and read the GPU.

import type { VggLayer } from '../weights/vgg.ts';

/** A dense HWC map: no border, exactly `channels` channels. */
export interface DenseMap {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

/**
 * 3x3 cross-correlation, stride 1, zero pad 1, + bias, ReLU, accumulated in float64. With
 * `outChannels` only those output channels are computed, in that order.
 */
export function conv2d3x3Cpu(input: DenseMap, layer: Omit<VggLayer, 'name'>, outChannels?: readonly number[]): DenseMap {
  const { height: H, width: W } = input;
  const { cin, cout, weight, bias } = layer;
  if (input.channels !== cin) throw new RangeError(`input has ${input.channels} channels, layer expects ${cin}`);
  const chans = outChannels ?? Array.from({ length: cout }, (_, i) => i);
  const n = chans.length;
  const out = new Float32Array(H * W * n);
  const acc = new Float64Array(cout);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      acc.fill(0);
      for (let ky = 0; ky < 3; ky++) {
        const iy = y + ky - 1;
        if (iy < 0 || iy >= H) continue;
        for (let kx = 0; kx < 3; kx++) {
          const ix = x + kx - 1;
          if (ix < 0 || ix >= W) continue;
          const inBase = (iy * W + ix) * cin;
          const wBase = (ky * 3 + kx) * cin * cout;
          for (let ci = 0; ci < cin; ci++) {
            const a = input.data[inBase + ci];
            if (a === 0) continue;
            const row = wBase + ci * cout;
            for (let co = 0; co < cout; co++) acc[co] += a * weight[row + co];
          }
        }
      }
      const o = (y * W + x) * n;
      for (let j = 0; j < n; j++) out[o + j] = Math.max(0, acc[chans[j]] + bias[chans[j]]);
    }
  }
  return { data: out, height: H, width: W, channels: n };
}

/** Dense HWC data laid out as a FeatureMap: `pad` zero cells around, channels zero-padded to `channels`. */
export function toPadded(map: DenseMap, channels: number, pad = 1): Float32Array {
  const { height: H, width: W, channels: C } = map;
  const out = new Float32Array((H + 2 * pad) * (W + 2 * pad) * channels);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = ((y + pad) * (W + 2 * pad) + x + pad) * channels;
      out.set(map.data.subarray((y * W + x) * C, (y * W + x + 1) * C), o);
    }
  }
  return out;
}

/** The first `channels` channels of a FeatureMap's interior, densely. */
export function fromPadded(
  data: Float32Array,
  map: { height: number; width: number; channels: number; pad: number },
  channels = map.channels,
): DenseMap {
  const { height: H, width: W, pad } = map;
  const out = new Float32Array(H * W * channels);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = ((y + pad) * (W + 2 * pad) + x + pad) * map.channels;
      out.set(data.subarray(i, i + channels), (y * W + x) * channels);
    }
  }
  return { data: out, height: H, width: W, channels };
}

/** True when every cell of the border (and every padding channel) is exactly zero. */
export function paddingIsZero(data: Float32Array, map: { height: number; width: number; channels: number; pad: number }, realChannels: number): boolean {
  const { height: H, width: W, pad, channels: C } = map;
  const rowLen = W + 2 * pad;
  for (let y = 0; y < H + 2 * pad; y++) {
    for (let x = 0; x < rowLen; x++) {
      const interior = y >= pad && y < H + pad && x >= pad && x < W + pad;
      for (let c = interior ? realChannels : 0; c < C; c++) if (data[(y * rowLen + x) * C + c] !== 0) return false;
    }
  }
  return true;
}
