import { expect } from 'chai';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGif, GIF_PALETTE, GifEncoder, lzwEncode, quantize } from '../src/vis/gif.ts';
import { createCanvas, downscale, drawText, type Canvas } from '../src/vis/raster.ts';
import { openVideo, writeVideo } from '../src/vis/video.ts';
import { withEnv } from './helpers/env.ts';

interface DecodedGif {
  width: number;
  height: number;
  loop: number | null;
  frames: { delayCs: number; rgb: Uint8Array }[];
}

/**
 * A GIF decoder written from the GIF89a spec, independent of the encoder, and strict: a wrong code width, a
 * code past the table, a missing EOI or bytes left after it all throw.
 */
function decodeGif(buf: Uint8Array): DecodedGif {
  let p = 0;
  const u8 = () => buf[p++]!;
  const u16 = () => u8() | (u8() << 8);
  const str = (n: number) => String.fromCharCode(...buf.subarray(p, (p += n)));
  const blocks = (): Uint8Array => {
    const parts: number[] = [];
    for (let n = u8(); n !== 0; n = u8()) parts.push(...buf.subarray(p, (p += n)));
    return Uint8Array.from(parts);
  };
  if (str(6) !== 'GIF89a') throw new Error('not GIF89a');
  const width = u16();
  const height = u16();
  const packed = u8();
  p += 2;
  const palette = packed & 0x80 ? buf.subarray(p, (p += 3 * (2 << (packed & 7)))) : null;
  const out: DecodedGif = { width, height, loop: null, frames: [] };
  let delayCs = 0;
  for (;;) {
    const tag = u8();
    if (tag === 0x3b) return out;
    if (tag === 0x21) {
      const label = u8();
      const data = blocks();
      if (label === 0xf9) delayCs = data[1]! | (data[2]! << 8);
      if (label === 0xff && String.fromCharCode(...data.subarray(0, 11)) === 'NETSCAPE2.0') {
        // the 11-byte identifier is its own sub-block, so blocks() concatenated it with [1, lo, hi]
        out.loop = data[12]! | (data[13]! << 8);
      }
    } else if (tag === 0x2c) {
      p += 4;
      const w = u16();
      const h = u16();
      if (u8() !== 0) throw new Error('local palettes / interlace not expected');
      const minCodeSize = u8();
      const indices = lzwDecode(blocks(), minCodeSize, w * h);
      const rgb = new Uint8Array(w * h * 3);
      indices.forEach((k, i) => rgb.set(palette!.subarray(3 * k, 3 * k + 3), 3 * i));
      out.frames.push({ delayCs, rgb });
    } else {
      throw new Error(`unexpected block 0x${tag.toString(16)} at ${p - 1}`);
    }
  }
}

function lzwDecode(data: Uint8Array, minCodeSize: number, pixels: number): number[] {
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  let table: number[][] = [];
  let size = 0;
  const reset = () => {
    table = Array.from({ length: eoi + 1 }, (_, i) => [i]);
    size = minCodeSize + 1;
  };
  reset();
  let bit = 0;
  const read = (): number => {
    if (bit + size > data.length * 8) throw new Error('LZW data ended before EOI');
    let v = 0;
    for (let i = 0; i < size; i++, bit++) v |= ((data[bit >> 3]! >> (bit & 7)) & 1) << i;
    return v;
  };
  const out: number[] = [];
  let prev: number[] | null = null;
  for (;;) {
    const code = read();
    if (code === clear) {
      reset();
      prev = null;
      continue;
    }
    if (code === eoi) break;
    let entry: number[];
    if (prev === null) {
      if (code >= clear) throw new Error(`first code after clear is ${code}`);
      entry = table[code]!;
    } else {
      if (code > table.length) throw new Error(`code ${code} beyond table ${table.length}`);
      entry = code < table.length ? table[code]! : [...prev, prev[0]!];
      if (table.length < 4096) table.push([...prev, entry[0]!]);
      if (table.length === 1 << size && size < 12) size++;
    }
    out.push(...entry);
    prev = entry;
  }
  if (Math.ceil(bit / 8) !== data.length) throw new Error(`${data.length - Math.ceil(bit / 8)} bytes after EOI`);
  if (out.length !== pixels) throw new Error(`decoded ${out.length} pixels, expected ${pixels}`);
  return out;
}

/** The frame as the palette will show it: what a decoder must give back exactly. */
function paletted(c: Canvas): Uint8Array {
  const idx = quantize(c);
  const rgb = new Uint8Array(idx.length * 3);
  idx.forEach((k, i) => rgb.set(GIF_PALETTE.subarray(3 * k, 3 * k + 3), 3 * i));
  return rgb;
}

function seededFrame(w: number, h: number, seed: number, noise: boolean): Canvas {
  const c = createCanvas(w, h);
  let s = seed;
  for (let i = 0; i < c.data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    c.data[i] = noise ? s >>> 24 : ((i % (w * 3)) * 7 + Math.floor(i / (w * 3)) * 3 + seed) & 255;
  }
  return c;
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe('vis gif', () => {
  it('quantises to the 6x7x6 cube', () => {
    const c = createCanvas(3, 1);
    c.data.set([0, 0, 0, 255, 255, 255, 250, 130, 10]);
    expect(Array.from(quantize(c))).to.deep.equal([0, 251, (5 * 7 + 3) * 6 + 0]);
    expect(Array.from(GIF_PALETTE.subarray(251 * 3, 252 * 3))).to.deep.equal([255, 255, 255]);
    expect(Array.from(paletted(c).subarray(6))).to.deep.equal([255, 128, 0]);
  });

  it('round-trips frames exactly through an independent decoder, with header, loop and delays', () => {
    const frames = [seededFrame(37, 23, 1, false), seededFrame(37, 23, 2, true), createCanvas(37, 23, [0, 255, 0])];
    drawText(frames[2]!, 'Hi', 2, 2, [255, 0, 0], 2);
    const gif = encodeGif(frames, { delayMs: [40, 100, 1230], loop: 3 });
    expect(gif.subarray(0, 6).toString('ascii')).to.equal('GIF89a');
    expect(gif[gif.length - 1]).to.equal(0x3b);
    const d = decodeGif(gif);
    expect([d.width, d.height, d.loop]).to.deep.equal([37, 23, 3]);
    expect(d.frames.map((f) => f.delayCs)).to.deep.equal([4, 10, 123]);
    d.frames.forEach((f, i) => expect(same(f.rgb, paletted(frames[i]!)), `frame ${i}`).to.equal(true));
  });

  it('handles table-full clear codes, code-width changes before EOI and 1-pixel images', () => {
    const noisy = seededFrame(160, 120, 9, true); // ~19k pixels of noise: several 4096-entry resets
    expect(same(decodeGif(encodeGif([noisy])).frames[0]!.rgb, paletted(noisy))).to.equal(true);
    for (let n = 1; n < 1100; n++) {
      // n pixels of fresh pairs walk the table size across 512 and 1024 at every possible stopping point
      const idx = Uint8Array.from({ length: n }, (_, i) => (i * 7 + (i >> 8)) & 255);
      expect(lzwDecode(lzwEncode(idx), 8, n), `n=${n}`).to.deep.equal(Array.from(idx));
    }
    const one = createCanvas(1, 1, [10, 200, 90]);
    expect(same(decodeGif(encodeGif([one])).frames[0]!.rgb, paletted(one))).to.equal(true);
  });

  it('refuses frames of another size and empty input', () => {
    const enc = new GifEncoder(4, 4);
    expect(() => enc.addFrame(createCanvas(5, 4))).to.throw('expected 4x4');
    expect(() => encodeGif([])).to.throw('no frames');
  });
});

describe('vis video', () => {
  const frames = () => [0, 1, 2, 3].map((k) => seededFrame(40, 30, k, false));

  it('writes a .gif with downscaled frames at the given fps', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tadt-vid-')), 'out.gif');
    await writeVideo(path, frames(), { fps: 25, downscale: 2 });
    const d = decodeGif(readFileSync(path));
    expect([d.width, d.height, d.frames.length, d.loop]).to.deep.equal([20, 15, 4, 0]);
    expect(d.frames[0]!.delayCs).to.equal(4);
    d.frames.forEach((f, i) => expect(same(f.rgb, paletted(downscale(frames()[i]!, 2)))).to.equal(true));
  });

  it('says ffmpeg was not found for .mp4 when it is not on PATH, and rejects other extensions', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tadt-nopath-'));
    await withEnv({ PATH: empty, TADT_FFMPEG: undefined }, () =>
      expect(() => openVideo('/tmp/x.mp4')).to.throw(/^cannot write \/tmp\/x\.mp4 \(a \.gif needs no external tool\): ffmpeg was not found on PATH\. Install ffmpeg/),
    );
    expect(() => openVideo('/tmp/x.avi')).to.throw('unsupported video extension ".avi"');
  });

  it('pipes raw rgb24 frames to ffmpeg with the documented arguments', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tadt-ff-'));
    const fake = join(dir, 'ffmpeg');
    // Stands in for ffmpeg: records its arguments and the bytes it was sent.
    writeFileSync(fake, `#!/bin/sh\necho "$@" > "${dir}/args"\ncat > "${dir}/stdin"\n`);
    chmodSync(fake, 0o755);
    const out = join(dir, 'out.mp4');
    await withEnv({ TADT_FFMPEG: fake }, () => writeVideo(out, frames(), { fps: 12 }));
    expect(readFileSync(join(dir, 'args'), 'utf8')).to.contain(`-f rawvideo -pix_fmt rgb24 -s 40x30 -r 12 -i - -vf pad=ceil(iw/2)*2:ceil(ih/2)*2 -pix_fmt yuv420p ${out}`);
    expect(statSync(join(dir, 'stdin')).size).to.equal(4 * 40 * 30 * 3);
    writeFileSync(fake, '#!/bin/sh\ncat > /dev/null\necho boom >&2\nexit 3\n');
    await withEnv({ TADT_FFMPEG: fake }, () => writeVideo(out, frames())).then(
      () => expect.fail('should have failed'),
      (e: Error) => expect(e.message).to.match(/ffmpeg exited with 3.*boom/),
    );
  });
});
