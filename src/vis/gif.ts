import type { Canvas } from './raster.ts';

/**
 * Animated GIF89a writer: one global 6x7x6 colour-cube palette (7 green levels because the eye resolves green
 * best), no dithering so the output is a pure function of the frame, LZW at 8-bit minimum code size.
 */

const LEVELS = { r: 6, g: 7, b: 6 } as const;
const level = (v: number, n: number): number => Math.round((v * (n - 1)) / 255);
const value = (i: number, n: number): number => Math.round((i * 255) / (n - 1));

/** 256 RGB entries: index (r * 7 + g) * 6 + b for the 252 cube colours; 252..255 are unused (black). */
export const GIF_PALETTE: Uint8Array = (() => {
  const p = new Uint8Array(256 * 3);
  for (let r = 0; r < LEVELS.r; r++) {
    for (let g = 0; g < LEVELS.g; g++) {
      for (let b = 0; b < LEVELS.b; b++) p.set([value(r, LEVELS.r), value(g, LEVELS.g), value(b, LEVELS.b)], ((r * LEVELS.g + g) * LEVELS.b + b) * 3);
    }
  }
  return p;
})();

const table = (n: number, stride: number) => Uint8Array.from({ length: 256 }, (_, v) => level(v, n) * stride);
const R_IDX = table(LEVELS.r, LEVELS.g * LEVELS.b);
const G_IDX = table(LEVELS.g, LEVELS.b);
const B_IDX = table(LEVELS.b, 1);

/** Palette index of each pixel: nearest level per channel. */
export function quantize(c: Canvas): Uint8Array {
  const out = new Uint8Array(c.width * c.height);
  const d = c.data;
  for (let i = 0, j = 0; i < out.length; i++, j += 3) out[i] = R_IDX[d[j]!]! + G_IDX[d[j + 1]!]! + B_IDX[d[j + 2]!]!;
  return out;
}

/** Appends codes LSB-first, as GIF packs them. */
class BitWriter {
  private bytes = new Uint8Array(4096);
  private length = 0;
  private acc = 0;
  private bits = 0;

  write(code: number, size: number): void {
    this.acc |= code << this.bits;
    this.bits += size;
    while (this.bits >= 8) {
      this.push(this.acc & 255);
      this.acc >>>= 8;
      this.bits -= 8;
    }
  }

  finish(): Uint8Array {
    if (this.bits > 0) this.push(this.acc & 255);
    this.acc = 0;
    this.bits = 0;
    return this.bytes.subarray(0, this.length);
  }

  private push(b: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = b;
  }
}

const MAX_CODE = 4096;
/** (prefix code << 8 | next index) -> code; 0 means absent (real codes are >= 258). Reset by the keys used. */
const dict = new Int16Array(MAX_CODE << 8);

/**
 * GIF LZW of 8-bit indices. Starts with a clear code; when the table reaches 4096 entries it emits a clear and
 * starts over. The code size grows right after the code that lets the decoder's table reach 2^size, so the
 * decoder (one entry behind the encoder) switches widths at the same bit, including before the final EOI.
 */
export function lzwEncode(indices: Uint8Array): Uint8Array {
  const minCodeSize = 8;
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  const out = new BitWriter();
  const used: number[] = [];
  let size = minCodeSize + 1;
  let next = eoi + 1;
  const emit = (code: number) => {
    out.write(code, size);
    if (next === 1 << size && size < 12) size++;
  };
  const reset = () => {
    for (const k of used) dict[k] = 0;
    used.length = 0;
    size = minCodeSize + 1;
    next = eoi + 1;
  };
  out.write(clear, size);
  if (indices.length === 0) {
    out.write(eoi, size);
    return out.finish();
  }
  let prefix = indices[0]!;
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i]!;
    const key = (prefix << 8) | k;
    const code = dict[key]!;
    if (code !== 0) {
      prefix = code;
      continue;
    }
    emit(prefix);
    if (next < MAX_CODE) {
      dict[key] = next++;
      used.push(key);
    } else {
      out.write(clear, size);
      reset();
    }
    prefix = k;
  }
  emit(prefix);
  out.write(eoi, size);
  reset();
  return out.finish();
}

const u16 = (v: number): number[] => [v & 255, (v >> 8) & 255];
const ascii = (s: string): number[] => [...s].map((ch) => ch.charCodeAt(0));

/** Data split into sub-blocks of at most 255 bytes, then the 0 terminator. */
function subBlocks(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + Math.ceil(data.length / 255) + 1);
  let o = 0;
  for (let i = 0; i < data.length; i += 255) {
    const n = Math.min(255, data.length - i);
    out[o++] = n;
    out.set(data.subarray(i, i + n), o);
    o += n;
  }
  out[o] = 0;
  return out;
}

export interface GifOptions {
  /** NETSCAPE2.0 loop count; 0 (default) loops forever. */
  loop?: number;
  /** Receives the file piece by piece (to stream to disk); by default finish() returns the whole file. */
  write?: (chunk: Uint8Array) => void;
}

/** Streaming encoder: header on construction, one image per addFrame, trailer on finish. */
export class GifEncoder {
  private readonly chunks: Uint8Array[] = [];
  private readonly sink: (chunk: Uint8Array) => void;
  private done = false;

  constructor(readonly width: number, readonly height: number, opts: GifOptions = {}) {
    if (!(width > 0 && height > 0 && width < 65536 && height < 65536)) throw new Error(`GIF size must be 1..65535, got ${width}x${height}`);
    this.sink = opts.write ?? ((c) => this.chunks.push(c));
    // 0xF7: global colour table present, 8-bit colour resolution, 2^(7+1) = 256 entries.
    this.sink(Uint8Array.from([...ascii('GIF89a'), ...u16(width), ...u16(height), 0xf7, 0, 0]));
    this.sink(GIF_PALETTE);
    this.sink(Uint8Array.from([0x21, 0xff, 11, ...ascii('NETSCAPE2.0'), 3, 1, ...u16(opts.loop ?? 0), 0]));
  }

  /** delayMs is stored in 1/100 s (viewers often raise delays under 20 ms to 100 ms). */
  addFrame(frame: Canvas, delayMs = 100): void {
    if (this.done) throw new Error('GifEncoder: addFrame after finish');
    if (frame.width !== this.width || frame.height !== this.height) {
      throw new Error(`GIF frame is ${frame.width}x${frame.height}, expected ${this.width}x${this.height}`);
    }
    const delay = Math.min(65535, Math.max(0, Math.round(delayMs / 10)));
    // Graphic control extension: disposal 1 (leave in place), no transparency.
    this.sink(Uint8Array.from([0x21, 0xf9, 4, 0x04, ...u16(delay), 0, 0]));
    this.sink(Uint8Array.from([0x2c, 0, 0, 0, 0, ...u16(this.width), ...u16(this.height), 0, 8]));
    this.sink(subBlocks(lzwEncode(quantize(frame))));
  }

  finish(): Buffer {
    if (!this.done) this.sink(Uint8Array.from([0x3b]));
    this.done = true;
    return Buffer.concat(this.chunks);
  }
}

/** Whole GIF in memory; delayMs is one value for every frame or one per frame. */
export function encodeGif(frames: readonly Canvas[], opts: { delayMs?: number | readonly number[]; loop?: number } = {}): Buffer {
  if (frames.length === 0) throw new Error('encodeGif: no frames');
  const enc = new GifEncoder(frames[0]!.width, frames[0]!.height, { loop: opts.loop });
  frames.forEach((f, i) => enc.addFrame(f, typeof opts.delayMs === 'number' ? opts.delayMs : opts.delayMs?.[i] ?? 100));
  return enc.finish();
}
