import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { generateDemoSequence } from '../src/demo/synthetic-sequence.ts';
import { FrameError, SequenceError } from '../src/io/errors.ts';
import { requireFfmpeg } from '../src/io/ffmpeg.ts';
import type { Frame } from '../src/io/frame.ts';
import { RawFrameReader } from '../src/io/raw-frames.ts';
import { openSequence } from '../src/io/sequence.ts';
import { probeVideo, type VideoInfo } from '../src/io/video-probe.ts';
import { VideoFrames } from '../src/io/video-source.ts';
import { withEnv } from './helpers/env.ts';
import { encodeDamagedVideo, encodeVideo, ffmpeg, testPattern } from './helpers/video.ts';
import { tempDir } from './helpers/temp.ts';

// Real ffmpeg, really started: Debian's ffmpeg (scripts/setup.sh installs it) or TADT_FFMPEG.

const demo = generateDemoSequence({ frames: 8, width: 160, height: 120 });
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

async function readAll(src: VideoFrames): Promise<Frame[]> {
  const out: Frame[] = [];
  try {
    while (src.remaining > 0) out.push(await src.next());
  } finally {
    await src.close();
  }
  return out;
}

/** The error `p` rejects with (failing the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => expect.fail('should have failed'),
    (e: Error) => e,
  );
}

/** A folder holding only an ffmpeg link: a lone static binary, without ffprobe beside it. */
function loneFfmpeg(): string {
  const dir = join(tempDir(), 'lone');
  mkdirSync(dir);
  symlinkSync(requireFfmpeg('test'), join(dir, 'ffmpeg'));
  return join(dir, 'ffmpeg');
}

describe('io/video: probing and decoding with ffmpeg', () => {
  let mkv = '';
  let mp4 = '';
  before(() => {
    mkv = join(tempDir(), 'demo.mkv');
    mp4 = join(tempDir(), 'demo.mp4');
    encodeVideo(mkv, demo.frames, ['-c:v', 'ffv1']);
    encodeVideo(mp4, demo.frames, ['-c:v', 'libx264rgb', '-qp', '0'], 30000 / 1001);
  });

  it('probes size, frame rate and frame count, with ffprobe and with ffmpeg alone', async () => {
    const want = { width: 160, height: 120, frameCount: 8 };
    expect(probeVideo(mkv)).to.include({ ...want, fps: 25, codec: 'ffv1', path: mkv });
    expect(probeVideo(mp4)).to.include({ ...want, codec: 'h264' });
    expect(probeVideo(mp4).fps).to.be.closeTo(29.97, 0.005);
    const lone = loneFfmpeg();
    await withEnv({ TADT_FFMPEG: lone }, () => {
      expect(probeVideo(mkv)).to.include({ ...want, fps: 25, codec: 'ffv1', ffmpeg: lone });
      expect(probeVideo(mp4).fps).to.be.closeTo(29.97, 0.005);
    });
  });

  it('decodes losslessly encoded frames byte for byte (FFV1 in .mkv, x264 RGB lossless in .mp4)', async () => {
    for (const file of [mkv, mp4]) {
      const frames = await readAll(new VideoFrames(probeVideo(file)));
      expect(frames, file).to.have.length(8);
      frames.forEach((f, i) => {
        expect([f.width, f.height]).to.deep.equal([160, 120]);
        expect(same(f.data, demo.frames[i].data), `${file} frame ${i + 1}`).to.equal(true);
      });
    }
  });

  it('cuts start..end by counting frames, and stops ffmpeg on close() before the end', async () => {
    const src = new VideoFrames(probeVideo(mkv), 3, 6);
    expect([src.length, src.remaining]).to.deep.equal([4, 4]);
    const frames = await readAll(src);
    expect(frames.map((f) => demo.frames.findIndex((d) => same(d.data, f.data)) + 1)).to.deep.equal([3, 4, 5, 6]);

    const long = join(tempDir(), 'long.mkv');
    testPattern(long, 200, '320x240');
    const early = new VideoFrames(probeVideo(long));
    await early.next();
    await early.close(); // returns only once ffmpeg is gone
    expect(await rejection(early.next())).to.match(/after close/);
  });

  it('applies a rotation stored in the metadata, as players do, with the size swapped', async () => {
    const rotated = join(tempDir(), 'rotated.mp4');
    ffmpeg(['-i', mp4, '-c', 'copy', '-metadata:s:v', 'rotate=90', rotated]);
    const info = probeVideo(rotated);
    expect([info.width, info.height]).to.deep.equal([120, 160]);
    await withEnv({ TADT_FFMPEG: loneFfmpeg() }, () => expect(probeVideo(rotated)).to.include({ width: 120, height: 160 }));
    const [first] = await readAll(new VideoFrames(info, 1, 1));
    const src = demo.frames[0].data;
    const px = (data: Uint8Array, w: number, x: number, y: number) => data.subarray((y * w + x) * 3, (y * w + x) * 3 + 3).join();
    let clockwise = true;
    let anticlockwise = true;
    for (let y = 0; y < 160; y++) {
      for (let x = 0; x < 120; x++) {
        clockwise &&= px(first.data, 120, x, y) === px(src, 160, y, 119 - x);
        anticlockwise &&= px(first.data, 120, x, y) === px(src, 160, 159 - y, x);
      }
    }
    expect(clockwise || anticlockwise, 'a quarter turn of the source frame').to.equal(true);
  });
});

describe('io/video: memory stays flat', () => {
  it('reads a 300-frame stream from ffmpeg holding at most two frames and a pipe chunk', async () => {
    // A counting stage between ffmpeg and the reader: what it has passed on minus what the reader has
    // handed out is what the reader holds (plus the stage's own 16 KiB buffer).
    const frameBytes = 320 * 240 * 3;
    const proc = spawn(requireFfmpeg('test'), ['-v', 'error', '-nostdin', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25',
      '-frames:v', '300', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let passed = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        passed += chunk.length;
        done(null, chunk);
      },
    });
    const exited = new Promise((resolve) => proc.once('close', resolve));
    const reader = new RawFrameReader(proc.stdout.pipe(counter), frameBytes);
    let frames = 0;
    let mostHeld = 0;
    for (let f = await reader.read(); f !== null; f = await reader.read()) {
      frames++;
      expect(f.length).to.equal(frameBytes);
      // A slow consumer: ffmpeg makes frames far faster than this loop takes them.
      for (let i = 0; i < 20; i++) {
        await tick();
        mostHeld = Math.max(mostHeld, passed - frames * frameBytes);
      }
    }
    expect(await exited).to.equal(0);
    expect(frames).to.equal(300);
    expect(mostHeld).to.be.at.most(2 * frameBytes + 80 * 1024);
  });

  it('splits chunks that end mid-frame or hold several frames, and refuses a stream that ends mid-frame', async () => {
    const stream = new Transform({ transform: (c, _e, done) => done(null, c) });
    const reader = new RawFrameReader(stream, 4);
    stream.write(Buffer.from([1, 2, 3]));
    stream.write(Buffer.from([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]));
    stream.end();
    const got = [await reader.read(), await reader.read(), await reader.read()].map((f) => [...f!]);
    expect(got).to.deep.equal([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]);
    expect(await rejection(reader.read())).to.match(/ended 1 bytes into a frame of 4/);
  });
});

describe('io/video: bad input is a clear error naming the file', () => {
  const probeFails = (path: string, why: RegExp) => expect(() => probeVideo(path)).to.throw(SequenceError, why);

  it('a missing ffmpeg: TADT_FFMPEG pointing nowhere, or nothing on PATH, says how to install it', async () => {
    const clip = join(tempDir(), 'clip.mp4');
    writeFileSync(clip, 'never read');
    await withEnv({ TADT_FFMPEG: '/nonexistent/ffmpeg', PATH: '' }, () =>
      expect(() => openSequence(clip, { box: [1, 1, 10, 10] })).to.throw(
        `cannot read ${clip}: TADT_FFMPEG=/nonexistent/ffmpeg is not an executable file. Install ffmpeg 5.1 or later (Debian/Ubuntu: apt-get install ffmpeg`,
      ),
    );
    await withEnv({ TADT_FFMPEG: undefined, PATH: tempDir() }, () =>
      expect(() => probeVideo(clip)).to.throw(`cannot read ${clip}: ffmpeg was not found on PATH. Install ffmpeg`),
    );
  });

  it('a text file renamed .mp4, an audio-only file, a video with no frames', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'text.mp4'), 'this is not a video\n');
    probeFails(join(dir, 'text.mp4'), new RegExp(`^${join(dir, 'text.mp4')}: not a video ffmpeg can read: .*Invalid data found when processing input`));
    ffmpeg(['-f', 'lavfi', '-i', 'sine', '-t', '0.2', join(dir, 'audio.mkv')]);
    probeFails(join(dir, 'audio.mkv'), new RegExp(`^${join(dir, 'audio.mkv')}: no video stream in the file$`));
    // AVI writes its video stream header even with nothing to put in it.
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x48', '-t', '0', join(dir, 'empty.avi')]);
    probeFails(join(dir, 'empty.avi'), new RegExp(`^${join(dir, 'empty.avi')}: the video has no frames$`));
  });

  it('truncated videos, before any frame is decoded, with ffprobe and with ffmpeg alone', async () => {
    const dir = tempDir();
    const cut = (name: string, make: (p: string) => void) => {
      const path = join(dir, name);
      make(path);
      truncateSync(path, Math.floor(statSync(path).size * 0.6));
      return path;
    };
    const mkv = cut('cut.mkv', (p) => encodeVideo(p, demo.frames, ['-c:v', 'ffv1']));
    const avi = cut('cut.avi', (p) => testPattern(p, 20, '160x120', ['-c:v', 'mpeg4']));
    const mp4 = cut('cut.mp4', (p) => encodeVideo(p, demo.frames, ['-c:v', 'libx264rgb', '-qp', '0']));
    const mkvWhy = new RegExp(`^${mkv}: truncated or corrupt video: File ended prematurely \\(\\d frames? readable\\)$`);
    probeFails(mkv, mkvWhy);
    // AVI's header lists its frames; the file reads cleanly up to the cut.
    probeFails(avi, new RegExp(`^${avi}: truncated or corrupt video: the header lists 20 frames but only \\d+ can be read$`));
    // MP4 keeps its index at the end unless written for streaming: cut, it is no video at all.
    probeFails(mp4, new RegExp(`^${mp4}: not a video ffmpeg can read: moov atom not found`));
    await withEnv({ TADT_FFMPEG: loneFfmpeg() }, () => probeFails(mkv, mkvWhy));
  });

  it('a frame that fails to decode mid-video: a FrameError naming the file and frame', async () => {
    const path = join(tempDir(), 'damaged.mkv');
    encodeDamagedVideo(path, demo.frames);
    const info: VideoInfo = probeVideo(path);
    expect(info.frameCount).to.equal(8);
    const err = await rejection(readAll(new VideoFrames(info)));
    expect(err).to.be.instanceOf(FrameError);
    expect(err.message).to.match(new RegExp(`^${path}: frame \\d: decoding failed: slice CRC mismatch`));
  });
});

describe('io/sequence: a video file as a sequence', () => {
  let mkv = '';
  before(() => {
    mkv = join(tempDir(), 'My clip.mkv');
    encodeVideo(mkv, demo.frames, ['-c:v', 'ffv1']);
  });

  it('is named after the file, takes the 1-based box and start/end, and has no ground truth', () => {
    const seq = openSequence(mkv, { box: [11, 21, 30, 40], start: 2, end: 7 });
    expect(seq).to.deep.include({ name: 'My clip', dir: mkv, frames: [], frameCount: 6, firstFrame: 2, groundTruth: null, layout: 'video', notes: [] });
    expect(seq.initBox).to.deep.equal([10, 20, 30, 40]);
    expect(seq.video).to.include({ width: 160, height: 120, fps: 25, frameCount: 8 });
    expect(openSequence(mkv, { box: [1, 1, 5, 5] }).frameCount).to.equal(8);
  });

  it('needs a box, and a range within the video', () => {
    expect(() => openSequence(mkv)).to.throw(SequenceError, `${mkv}: a video has no ground truth; pass an init box x,y,w,h`);
    expect(() => openSequence(mkv, { box: [1, 1, 5, 5], end: 9 })).to.throw(SequenceError, 'end = 9 must be a whole frame number in 1..8');
    expect(() => openSequence(mkv, { box: [1, 1, 5, 5], start: 5, end: 4 })).to.throw(SequenceError, 'end 4 is before start 5');
  });
});
