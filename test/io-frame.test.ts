import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { FrameError, decodeImage, loadFrame, toRgbFrame } from '../src/io/frame.ts';
import { tempDir } from './helpers/temp.ts';
import { sharedPath } from '../src/eval/shared-data.ts';
import { itShared } from './helpers/shared.ts';

const skiing1 = () => sharedPath('data', 'otb', 'Skiing', 'img', '0001.jpg');

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
 * Written by hand, rather than by an encoder, so the file is known to hold one component, with quantisation 1
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

/** An 8-bit RGB test pattern with saturated colours, where an ICC conversion shows. */
function colourRamp(width = 8, height = 8): Buffer {
  return Buffer.from(Array.from({ length: width * height * 3 }, (_, i) => (i % 3 === 0 ? 255 - ((i * 7) % 200) : (i * 37) % 256)));
}

/** The JPEG with every APPn segment of the given marker (0xE1 EXIF, 0xE2 ICC) cut out. */
function withoutSegments(jpegBytes: Buffer, marker: number): Buffer {
  const parts: Buffer[] = [jpegBytes.subarray(0, 2)];
  let at = 2;
  while (jpegBytes[at] === 0xff && jpegBytes[at + 1] !== 0xda) {
    const end = at + 2 + jpegBytes.readUInt16BE(at + 2);
    if (jpegBytes[at + 1] !== marker) parts.push(jpegBytes.subarray(at, end));
    at = end;
  }
  parts.push(jpegBytes.subarray(at));
  return Buffer.concat(parts);
}

describe('io/frame: decodeImage and loadFrame', () => {
  itShared('decodes the shared OTB and VOT JPEGs to RGB8', async () => {
    for (const [path, w, h] of [
      [skiing1(), 640, 360],
      [sharedPath('data', 'otb', 'Football1', 'img', '0001.jpg'), 352, 288],
      [sharedPath('data', 'vot', 'bag', 'color', '00000001.jpg'), 480, 360],
    ] as const) {
      const f = await loadFrame(path);
      expect([f.width, f.height], path).to.deep.equal([w, h]);
      expect(f.data).to.be.instanceOf(Uint8Array).with.length(w * h * 3);
    }
  });

  // The hash of cv2.imread's output (libjpeg-turbo, converted BGR -> RGB) for this file. The
  // crop-window test checks four more sequences against the reference's checksums.
  itShared('decodes Skiing/0001.jpg to the bytes cv2.imread gives', async () => {
    const f = await decodeImage(readFileSync(skiing1()), 'x.jpg');
    expect(createHash('sha256').update(f.data).digest('hex')).to.equal('809a64e822f84aea424cb647a3d2098e8925ad4b9c331455295d5c7f2cc8d2a8');
  });

  it('ignores an embedded ICC profile, as cv2 does', async () => {
    const raw = colourRamp();
    const tagged = await sharp(raw, { raw: { width: 8, height: 8, channels: 3 } }).withIccProfile('p3').jpeg({ quality: 95 }).toBuffer();
    const plain = withoutSegments(tagged, 0xe2);
    expect(plain.length, 'the fixture holds an APP2 ICC profile').to.be.below(tagged.length - 100);
    const got = await decodeImage(tagged, 'p3.jpg');
    expect(Buffer.from(got.data).equals(Buffer.from((await decodeImage(plain, 'plain.jpg')).data))).to.equal(true);
    // The profile does matter to a colour-managed decode, so the check above is not vacuous.
    const managed = await sharp(tagged).raw().toBuffer();
    expect(managed.equals(Buffer.from(got.data))).to.equal(false);
  });

  it('applies the EXIF orientation, as cv2.imread(IMREAD_COLOR) does', async () => {
    const raw = colourRamp(4, 2);
    const rotated = await sharp(raw, { raw: { width: 4, height: 2, channels: 3 } }).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    const upright = await decodeImage(withoutSegments(rotated, 0xe1), 'upright.jpg');
    const got = await decodeImage(rotated, 'rotated.jpg');
    expect([upright.width, upright.height, got.width, got.height]).to.deep.equal([4, 2, 2, 4]);
    // Orientation 6: turn 90 degrees clockwise, so output (x, y) is input (y, H-1-x).
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 2; x++) {
        const at = (y * 2 + x) * 3;
        const from = ((1 - x) * 4 + y) * 3;
        expect(Array.from(got.data.subarray(at, at + 3)), `${x},${y}`).to.deep.equal(Array.from(upright.data.subarray(from, from + 3)));
      }
    }
  });

  it('decodes a one-component greyscale JPEG to three equal channels', async () => {
    const f = await decodeImage(greyJpeg(), 'grey.jpg');
    expect([f.width, f.height]).to.deep.equal([16, 8]);
    expect(Array.from(f.data.subarray(0, 3))).to.deep.equal([144, 144, 144]);
    expect(Array.from(f.data.subarray(8 * 3, 8 * 3 + 3))).to.deep.equal([112, 112, 112]);
    expect(Array.from(f.data.subarray(f.data.length - 3))).to.deep.equal([112, 112, 112]);
  });

  it('decodes RGB, RGBA, grey, grey+alpha, 16-bit and palette PNGs', async () => {
    const rgb = await decodeImage(pngFile(2, 1, Uint8Array.of(1, 2, 3, 250, 251, 252), 2), 'rgb.png');
    expect(Array.from(rgb.data)).to.deep.equal([1, 2, 3, 250, 251, 252]);
    // Alpha is composited over black: 200 * 128/255 = 100.4 -> 100.
    const rgba = await decodeImage(pngFile(2, 1, Uint8Array.of(200, 100, 50, 128, 10, 20, 30, 255), 6), 'rgba.png');
    expect(Array.from(rgba.data)).to.deep.equal([100, 50, 25, 10, 20, 30]);
    const grey = await decodeImage(pngFile(2, 1, Uint8Array.of(7, 99), 0), 'grey.png');
    expect(Array.from(grey.data)).to.deep.equal([7, 7, 7, 99, 99, 99]);
    const ga = await decodeImage(pngFile(1, 1, Uint8Array.of(200, 0), 4), 'ga.png');
    expect(Array.from(ga.data)).to.deep.equal([0, 0, 0]);
    // 16-bit samples are given to pngjs in platform order; 0x8080 rescales to 128.
    const deep = await decodeImage(pngFile(1, 1, new Uint8Array(Uint16Array.of(0xffff, 0x8080, 0).buffer), 2, 16), 'deep.png');
    expect(Array.from(deep.data)).to.deep.equal([255, 128, 0]);
    expect(Array.from((await decodeImage(palettePng(), 'pal.png')).data)).to.deep.equal([200, 100, 50, 10, 20, 30]);
  });

  it('detects the format from magic bytes, not the extension', async () => {
    const png = pngFile(1, 1, Uint8Array.of(5, 6, 7), 2);
    expect(Array.from((await decodeImage(png, 'actually-a-png.jpg')).data)).to.deep.equal([5, 6, 7]);
  });

  itShared('names the file for a missing, empty, non-image, truncated or corrupt input', async () => {
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
    await expectFrameError(() => loadFrame(headOnly), headOnly, /truncated JPEG: .*corrupt header/);
    // A stray restart marker inside the entropy-coded data: libjpeg only warns, and cv2 would
    // track the garbled frame. (Flipped bits that still decode go unnoticed by any decoder.)
    const damaged = Buffer.from(real);
    damaged.set([0xff, 0xd3], 20000);
    const bad = join(dir, 'damaged.jpg');
    writeFileSync(bad, damaged);
    await expectFrameError(() => loadFrame(bad), bad, /corrupt JPEG: Corrupt JPEG data/);
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
