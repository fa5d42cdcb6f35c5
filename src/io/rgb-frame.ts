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

/**
 * Frames are RGB8; greyscale (1 byte per pixel) and RGBA (4) are accepted and converted, so that API
 * users can pass canvas or decoder output directly. The layout is told by the data length; alpha is
 * composited over black, as the PNG loader does, so a frame gives the same result from a file or
 * from memory.
 */
export function checkFrame(frame: Frame): Frame {
  const { width, height, data } = frame;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`frame size ${width}x${height} is not a positive integer size`);
  }
  const pixels = width * height;
  const channels = ([3, 1, 4] as const).find((c) => data.length === pixels * c);
  if (channels === undefined) {
    throw new RangeError(
      `frame data has ${data.length} bytes, which fits no layout of a ${width}x${height} frame: expected ` +
        `${pixels * 3} (RGB), ${pixels} (grey) or ${pixels * 4} (RGBA)`,
    );
  }
  return toRgbFrame({ width, height, data, channels });
}
