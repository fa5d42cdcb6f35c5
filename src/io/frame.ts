// Decoding image files into Frames in Node (sharp for JPEG, pngjs for PNG).
import { readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { FrameError } from './errors.ts';
import { type Frame, toRgbFrame } from './rgb-frame.ts';

export { FrameError, toRgbFrame, type Frame };
export type { RawPixels } from './rgb-frame.ts';

const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/**
 * Decodes a JPEG or PNG to RGB8. The format is taken from the magic bytes, never from the
 * extension, because datasets contain mislabelled files. `fileName` is used only in errors.
 */
export async function decodeImage(bytes: Uint8Array, fileName: string): Promise<Frame> {
  if (bytes.length === 0) throw new FrameError(fileName, 'empty file (0 bytes)');
  if (startsWith(bytes, JPEG_MAGIC)) return decodeJpeg(bytes, fileName);
  if (startsWith(bytes, PNG_MAGIC)) return decodePng(bytes, fileName);
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new FrameError(fileName, `not a JPEG or PNG image (starts with ${head})`);
}

/**
 * The PyTorch port reads frames with cv2.imread (libjpeg-turbo). sharp's libvips decodes with
 * mozjpeg, a libjpeg-turbo fork that keeps its decoder (same integer IDCT, fancy upsampling and
 * YCbCr conversion), so the network sees exactly the reference's input, byte for byte. The options
 * mirror cv2.imread(IMREAD_COLOR):
 * - ignoreIcc: cv2 never applies embedded ICC profiles; sharp would convert them to sRGB.
 * - autoOrient: cv2 (OpenCV >= 3.1) rotates by EXIF Orientation unless IMREAD_IGNORE_ORIENTATION.
 *   Matlab's imread does not, so a rotated file differs from the official code's view of it.
 * - failOn 'warning': libjpeg warnings (truncation, corrupt entropy data) reject the file; cv2 would
 *   print the warning and go on tracking whatever the decoder made of the broken frame.
 * CMYK JPEGs are converted through an ICC profile rather than cv2's plain formula (none in OTB/VOT).
 */
async function decodeJpeg(bytes: Uint8Array, fileName: string): Promise<Frame> {
  let out;
  try {
    out = await sharp(bytes, { failOn: 'warning', ignoreIcc: true, autoOrient: true }).raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    // libvips repeats each libjpeg message once per load attempt.
    const lines = [...new Set(String((e as Error).message).split('\n').map((l) => l.replace(/^VipsJpeg: /, '').trim()).filter(Boolean))];
    const has = (re: RegExp) => lines.some((l) => re.test(l));
    const kind = has(/premature end of JPEG (image|file)/i) ? 'truncated JPEG' : has(/pixel limit/i) ? 'JPEG too large' : 'corrupt JPEG';
    throw new FrameError(fileName, `${kind}: ${lines.join('; ')}`);
  }
  const { width, height, channels } = out.info;
  if (channels !== 1 && channels !== 3) throw new FrameError(fileName, `corrupt JPEG: decoded to ${channels} channels`);
  return toRgbFrame({ width, height, channels, data: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength) });
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

/** Width and height from an image's header, without decoding it. */
export async function imageSize(path: string): Promise<{ width: number; height: number }> {
  const bytes = await readImageBytes(path);
  try {
    const { width, height } = await sharp(bytes).metadata();
    if (width && height) return { width, height };
  } catch (e) {
    throw new FrameError(path, `cannot read the image header: ${(e as Error).message}`);
  }
  throw new FrameError(path, 'the image header gives no size');
}
