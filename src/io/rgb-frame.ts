// The frame type the tracker takes, and the conversion into it from other pixel layouts. Host-neutral:
// Node decodes files into it (frame.ts), the browser reads canvas pixels.

/** RGB8, row-major, 3 bytes per pixel, no padding: the layout the GPU upload expects. */
export type Frame = { width: number; height: number; data: Uint8Array };

/** Pixel buffers from other APIs (canvas ImageData is RGBA, masks are grey). */
export type RawPixels = {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
  channels: 1 | 3 | 4;
};

/**
 * Converts grey or RGBA pixels to a Frame. Alpha is composited over black, so fully transparent
 * pixels become black rather than revealing whatever colour an encoder left under them.
 * With channels=3 and a Uint8Array the data is shared, not copied.
 */
export function toRgbFrame(px: RawPixels): Frame {
  const { width, height, data, channels } = px;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`toRgbFrame: bad size ${width}x${height}`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new RangeError(`toRgbFrame: channels must be 1, 3 or 4, got ${channels}`);
  }
  const n = width * height;
  if (data.length !== n * channels) {
    throw new RangeError(`toRgbFrame: ${width}x${height}x${channels} needs ${n * channels} bytes, got ${data.length}`);
  }
  if (channels === 3 && data instanceof Uint8Array) return { width, height, data };
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      if (channels === 1) out[i * 3 + c] = data[i];
      else if (channels === 3) out[i * 3 + c] = data[i * 3 + c];
      else out[i * 3 + c] = Math.round((data[i * 4 + c] * data[i * 4 + 3]) / 255);
    }
  }
  return { width, height, data: out };
}
