import { readFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { FrameError } from './errors.ts';

export { FrameError };

/** RGB8, row-major, 3 bytes per pixel, no padding: the layout the GPU upload expects. */
export type Frame = { width: number; height: number; data: Uint8Array };

/** Pixel buffers from other APIs (canvas ImageData is RGBA, masks are grey). */
export type RawPixels = {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
  channels: 1 | 3 | 4;
};

const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

// jpeg-js refuses images whose working set exceeds this; a 4K frame needs about 145 MB,
// so 1 GB admits 8K while still bounding a hostile header.
const JPEG_MAX_MEMORY_MB = 1024;

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/**
 * Decodes a JPEG or PNG to RGB8. The format is taken from the magic bytes, never from the
 * extension, because datasets contain mislabelled files. `fileName` is used only in errors.
 */
export function decodeImage(bytes: Uint8Array, fileName: string): Frame {
  if (bytes.length === 0) throw new FrameError(fileName, 'empty file (0 bytes)');
  if (startsWith(bytes, JPEG_MAGIC)) return decodeJpeg(bytes, fileName);
  if (startsWith(bytes, PNG_MAGIC)) return decodePng(bytes, fileName);
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new FrameError(fileName, `not a JPEG or PNG image (starts with ${head})`);
}

function decodeJpeg(bytes: Uint8Array, fileName: string): Frame {
  // jpeg-js returns partly grey images for some truncations instead of failing, so a file
  // that does not end in the end-of-image marker is rejected before decoding.
  let end = bytes.length;
  while (end > 2 && bytes[end - 1] === 0) end--; // some writers pad with zeros after EOI
  if (bytes[end - 2] !== 0xff || bytes[end - 1] !== 0xd9) {
    throw new FrameError(fileName, 'truncated or corrupt JPEG: no end-of-image marker (FF D9) at end of file');
  }
  let img;
  try {
    // formatAsRGBA=false gives RGB directly; greyscale JPEGs come back as 3 equal channels.
    img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: JPEG_MAX_MEMORY_MB });
  } catch (e) {
    throw new FrameError(fileName, `corrupt JPEG: ${(e as Error).message}`);
  }
  if (img.width <= 0 || img.height <= 0 || img.data.length !== img.width * img.height * 3) {
    throw new FrameError(fileName, `corrupt JPEG: decoded ${img.width}x${img.height} with ${img.data.length} bytes`);
  }
  return { width: img.width, height: img.height, data: img.data };
}

function decodePng(bytes: Uint8Array, fileName: string): Frame {
  let png;
  try {
    // pngjs expands grey, grey+alpha, palette and 16-bit input to RGBA8.
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new FrameError(fileName, `corrupt PNG: ${(e as Error).message}`);
  }
  return toRgbFrame({ width: png.width, height: png.height, data: png.data, channels: 4 });
}

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

/** Reads a file, turning a missing path into a FrameError that names it. */
export async function readImageBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason = err.code === 'ENOENT' ? 'file not found' : `cannot read: ${err.message}`;
    throw new FrameError(path, reason);
  }
}

export async function loadFrame(path: string): Promise<Frame> {
  return decodeImage(await readImageBytes(path), path);
}
