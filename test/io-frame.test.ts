import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { FrameError, decodeImage, loadFrame, toRgbFrame } from '../src/io/frame.ts';
import { shared, tempDir } from './io-fixtures.test.ts';

const skiing1 = () => shared('data', 'otb', 'Skiing', 'img', '0001.jpg');

/** Asserts that `fn` rejects/throws a FrameError whose message names `file` and matches `why`. */
async function expectFrameError(fn: () => unknown, file: string, why: RegExp): Promise<void> {
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a FrameError').to.be.instanceOf(FrameError);
  expect((err as FrameError).message).to.include(file).and.to.match(why);
  expect((err as FrameError).file).to.equal(file);
}

function pngFile(width: number, height: number, data: Uint8Array, colorType: 0 | 2 | 4 | 6, bitDepth: 8 | 16 = 8): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: colorType >= 4, bitDepth });
}

function pngChunk(type: string, body: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), body])));
  return Buffer.concat([len, Buffer.from(type, 'latin1'), body, crc]);
}

/** pngjs cannot write palette images, so this one is assembled chunk by chunk (2x1, 2 colours). */
function palettePng(): Buffer {
  const ihdr = Buffer.from([0, 0, 0, 2, 0, 0, 0, 1, 8, 3, 0, 0, 0]);
  const plte = Buffer.from([10, 20, 30, 200, 100, 50]);
  const idat = deflateSync(Buffer.from([0, 1, 0])); // filter 0, indices 1 and 0
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, pngChunk('IHDR', ihdr), pngChunk('PLTE', plte), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

/**
 * A real one-component (greyscale) baseline JPEG, 16x8: two flat blocks of 144 and 112.
 * jpeg-js only encodes 3-component files, so the stream is written by hand with quantisation 1
 * and tiny Huffman tables: DC categories 8 and 9 as codes 00 and 01, AC end-of-block as code 0
 * (JPEG forbids all-ones codes, so the DC codes need two bits).
 */
function greyJpeg(): Buffer {
  const bits: number[] = [];
  const put = (v: number, n: number) => { for (let i = n - 1; i >= 0; i--) bits.push((v >> i) & 1); };
  put(0b00, 2); put(128, 8); put(0, 1); // block 1: DC 8*(144-128)=128, category 8; EOB
  put(0b01, 2); put(-256 + 511, 9); put(0, 1); // block 2: DC diff -256, category 9; EOB
  while (bits.length % 8) bits.push(1);
  const scan = Buffer.from(Array.from({ length: bits.length / 8 }, (_, i) => parseInt(bits.slice(i * 8, i * 8 + 8).join(''), 2)));
  const seg = (marker: number, body: number[]) => Buffer.from([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 255, ...body]);
  const dht = (cls: number, len: number, symbols: number[]) => {
    const counts = new Array(16).fill(0);
    counts[len - 1] = symbols.length;
    return [cls, ...counts, ...symbols];
  };
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    seg(0xdb, [0, ...new Array(64).fill(1)]),
    seg(0xc0, [8, 0, 8, 0, 16, 1, 1, 0x11, 0]),
    seg(0xc4, [...dht(0x00, 2, [8, 9]), ...dht(0x10, 1, [0x00])]),
    seg(0xda, [1, 1, 0x00, 0, 63, 0]),
    scan,
    Buffer.from([0xff, 0xd9]),
  ]);
}

describe('io/frame: decodeImage and loadFrame', () => {
  it('decodes the shared OTB and VOT JPEGs to RGB8', async () => {
    for (const [path, w, h] of [
      [skiing1(), 640, 360],
      [shared('data', 'otb', 'Football1', 'img', '0001.jpg'), 352, 288],
      [shared('data', 'vot', 'bag', 'color', '00000001.jpg'), 480, 360],
    ] as const) {
      const f = await loadFrame(path);
      expect([f.width, f.height], path).to.deep.equal([w, h]);
      expect(f.data).to.be.instanceOf(Uint8Array).with.length(w * h * 3);
    }
  });

  it('matches jpeg-js RGBA output with alpha dropped', () => {
    const bytes = readFileSync(skiing1());
    const f = decodeImage(bytes, 'x.jpg');
    const rgba = jpeg.decode(bytes, { useTArray: true });
    for (const i of [0, 1000, f.width * f.height - 1]) {
      expect(Array.from(f.data.subarray(i * 3, i * 3 + 3))).to.deep.equal(Array.from(rgba.data.subarray(i * 4, i * 4 + 3)));
    }
  });

  it('decodes a one-component greyscale JPEG to three equal channels', () => {
    const f = decodeImage(greyJpeg(), 'grey.jpg');
    expect([f.width, f.height]).to.deep.equal([16, 8]);
    expect(Array.from(f.data.subarray(0, 3))).to.deep.equal([144, 144, 144]);
    expect(Array.from(f.data.subarray(8 * 3, 8 * 3 + 3))).to.deep.equal([112, 112, 112]);
    expect(Array.from(f.data.subarray(f.data.length - 3))).to.deep.equal([112, 112, 112]);
  });

  it('decodes RGB, RGBA, grey, grey+alpha, 16-bit and palette PNGs', () => {
    const rgb = decodeImage(pngFile(2, 1, Uint8Array.of(1, 2, 3, 250, 251, 252), 2), 'rgb.png');
    expect(Array.from(rgb.data)).to.deep.equal([1, 2, 3, 250, 251, 252]);
    // Alpha is composited over black: 200 * 128/255 = 100.4 -> 100.
    const rgba = decodeImage(pngFile(2, 1, Uint8Array.of(200, 100, 50, 128, 10, 20, 30, 255), 6), 'rgba.png');
    expect(Array.from(rgba.data)).to.deep.equal([100, 50, 25, 10, 20, 30]);
    const grey = decodeImage(pngFile(2, 1, Uint8Array.of(7, 99), 0), 'grey.png');
    expect(Array.from(grey.data)).to.deep.equal([7, 7, 7, 99, 99, 99]);
    const ga = decodeImage(pngFile(1, 1, Uint8Array.of(200, 0), 4), 'ga.png');
    expect(Array.from(ga.data)).to.deep.equal([0, 0, 0]);
    // 16-bit samples are given to pngjs in platform order; 0x8080 rescales to 128.
    const deep = decodeImage(pngFile(1, 1, new Uint8Array(Uint16Array.of(0xffff, 0x8080, 0).buffer), 2, 16), 'deep.png');
    expect(Array.from(deep.data)).to.deep.equal([255, 128, 0]);
    expect(Array.from(decodeImage(palettePng(), 'pal.png').data)).to.deep.equal([200, 100, 50, 10, 20, 30]);
  });

  it('detects the format from magic bytes, not the extension', () => {
    const png = pngFile(1, 1, Uint8Array.of(5, 6, 7), 2);
    expect(Array.from(decodeImage(png, 'actually-a-png.jpg').data)).to.deep.equal([5, 6, 7]);
  });

  it('names the file for a missing, empty, non-image, truncated or corrupt input', async () => {
    const dir = tempDir();
    const missing = join(dir, 'nope.jpg');
    await expectFrameError(() => loadFrame(missing), missing, /not found/);
    const empty = join(dir, 'empty.jpg');
    writeFileSync(empty, '');
    await expectFrameError(() => loadFrame(empty), empty, /empty/);
    const text = join(dir, 'text.jpg');
    writeFileSync(text, 'this is not an image\n');
    await expectFrameError(() => loadFrame(text), text, /not a JPEG or PNG/);
    const real = readFileSync(skiing1());
    const half = join(dir, 'half.jpg');
    writeFileSync(half, real.subarray(0, real.length >> 1));
    await expectFrameError(() => loadFrame(half), half, /truncated/);
    const noEoi = join(dir, 'no-eoi.jpg');
    writeFileSync(noEoi, real.subarray(0, real.length - 2));
    await expectFrameError(() => loadFrame(noEoi), noEoi, /truncated/);
    const headOnly = join(dir, 'head.jpg');
    writeFileSync(headOnly, Buffer.concat([real.subarray(0, 300), Buffer.from([0xff, 0xd9])]));
    await expectFrameError(() => loadFrame(headOnly), headOnly, /corrupt JPEG/);
    const png = pngFile(4, 4, new Uint8Array(48), 2);
    const cut = join(dir, 'cut.png');
    writeFileSync(cut, png.subarray(0, png.length - 20));
    await expectFrameError(() => loadFrame(cut), cut, /corrupt PNG/);
  });
});

describe('io/frame: toRgbFrame', () => {
  it('expands grey, drops opaque alpha and shares RGB Uint8Arrays', () => {
    expect(Array.from(toRgbFrame({ width: 2, height: 1, data: Uint8Array.of(3, 9), channels: 1 }).data)).to.deep.equal([3, 3, 3, 9, 9, 9]);
    const rgba = Uint8ClampedArray.of(1, 2, 3, 255, 4, 5, 6, 0);
    expect(Array.from(toRgbFrame({ width: 2, height: 1, data: rgba, channels: 4 }).data)).to.deep.equal([1, 2, 3, 0, 0, 0]);
    const rgb = Uint8Array.of(1, 2, 3);
    expect(toRgbFrame({ width: 1, height: 1, data: rgb, channels: 3 }).data).to.equal(rgb);
  });

  it('rejects a buffer whose length does not match the size', () => {
    expect(() => toRgbFrame({ width: 2, height: 2, data: new Uint8Array(15), channels: 4 })).to.throw(RangeError, /needs 16 bytes, got 15/);
    expect(() => toRgbFrame({ width: 0, height: 2, data: new Uint8Array(0), channels: 3 })).to.throw(RangeError, /bad size/);
  });
});
