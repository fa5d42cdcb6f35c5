import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { type SequenceRun, summaryLine } from '../src/cli/run-sequence.ts';
import { generateDemoSequence, writeDemoSequence } from '../src/demo/synthetic-sequence.ts';
import type { Frame } from '../src/io/frame.ts';
import type { VideoInfo } from '../src/io/video-probe.ts';
import type { Box } from '../src/io/box.ts';
import { boxOf, centreError, scene, type Target } from './helpers/scene.ts';
import { encodeDamagedVideo, encodeVideo } from './helpers/video.ts';

// The real command line in a child process, on small frames (100x80: an 84-px window) so that a
// tracked sequence costs one initialisation (~10 s on lavapipe) and well under a second a frame.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let tmp = '';
let weightsDir = '';

/** `tadt ...` with an empty weights dir, so the synthetic weights are used and ~/.cache is never read. */
const tadt = (...args: string[]): Promise<Run> => tadtWith({}, ...args);

/** `tadt ...` with some environment variables changed. */
function tadtWith(vars: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, TADT_WEIGHTS_DIR: weightsDir, ...vars };
    delete env.TADT_DEBUG;
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function png(f: Frame): Buffer {
  const out = new PNG({ width: f.width, height: f.height });
  for (let p = 0; p < f.width * f.height; p++) {
    out.data.set(f.data.subarray(p * 3, p * 3 + 3), p * 4);
    out.data[p * 4 + 3] = 255;
  }
  return PNG.sync.write(out);
}

const oneBased = (b: Box) => [b[0] + 1, b[1] + 1, b[2], b[3]].join(',');
const lines = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n');
const parseLine = (line: string): Box => {
  const v = line.split(',').map(Number);
  return [v[0] - 1, v[1] - 1, v[2], v[3]];
};

/** A target moving (+3, +2) px per frame in 100x80 frames. */
const path = (n: number, x = 16, y = 12, seed = 11) =>
  Array.from({ length: n }, (_, k): Target => ({ x: x + 3 * k, y: y + 2 * k, w: 48, h: 48, seed }));

/** OTB layout: img/0001.png... and groundtruth_rect.txt (1-based), unless `gt` says otherwise. */
function writeOtb(dir: string, frames: Frame[], gt: Record<string, string[]>, names?: string[]): string[] {
  mkdirSync(join(dir, 'img'), { recursive: true });
  const files = frames.map((_, i) => join(dir, 'img', names?.[i] ?? `${String(i + 1).padStart(4, '0')}.png`));
  frames.forEach((f, i) => writeFileSync(files[i], png(f)));
  for (const [file, rows] of Object.entries(gt)) writeFileSync(join(dir, file), rows.map((r) => `${r}\n`).join(''));
  return files;
}

describe('tadt CLI', () => {
  const alpha = path(4);
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'tadt-cli-'));
    weightsDir = join(tmp, 'weights');
    mkdirSync(weightsDir);
    writeOtb(join(tmp, 'data', 'Alpha'), alpha.map((t) => scene(100, 80, [t])), { 'groundtruth_rect.txt': alpha.map((t) => oneBased(boxOf(t))) });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  describe('commands and help', () => {
    it('prints help with no arguments (exit 0)', async () => {
      const r = await tadt();
      expect(r.code).to.equal(0);
      expect(r.stdout).to.match(/^tadt: TADT \(Target-Aware Deep Tracking\) on WebGPU/);
      expect(r.stdout).to.contain('tadt track <folder|video|dataset-root>');
    });

    it('rejects an unknown command (exit 2), saying so on stderr', async () => {
      const r = await tadt('trak', 'x');
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/^tadt: unknown command "trak"/);
      expect(r.stdout).to.equal('');
    });

    it('weights convert: a non-MAT file and a missing file are clear errors (exit 1), nothing installed', async () => {
      const notMat = join(tmp, 'vgg16.mat');
      writeFileSync(notMat, Buffer.alloc(2000, 0x41));
      const r = await tadt('weights', 'convert', notMat);
      expect(r.code).to.equal(1);
      // The progress line is ended first, so the error starts a line of its own.
      expect(r.stderr.split('\n')).to.include(`tadt weights: ${notMat}: not a MAT-file: no Level 5 header (endian indicator "IM"/"MI" missing at byte 126)`);
      const missing = await tadt('weights', 'convert', join(tmp, 'nope.mat'));
      expect(missing.code).to.equal(1);
      expect(missing.stderr.trim()).to.equal(`tadt weights: ${join(tmp, 'nope.mat')}: file not found`);
      expect(readdirSync(weightsDir)).to.deep.equal([]);
    });
  });

  describe('track', () => {
    const out = () => join(tmp, 'results');

    it('tracks an OTB folder: <Seq>.txt (line 1 = the init box) and <Seq>_time.txt, loud synthetic weights, --json', async () => {
      const r = await tadt('track', join(tmp, 'data', 'Alpha'), '--out', out(), '--json');
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.contain('WARNING: no VGG-16 weights found');
      expect(r.stderr).to.contain('Using SYNTHETIC random weights');
      const json = JSON.parse(r.stdout.trim());
      expect(json).to.include({ sequence: 'Alpha', frames: 4, syntheticWeights: true, results: join(out(), 'Alpha.txt') });
      const boxes = lines(join(out(), 'Alpha.txt'));
      expect(boxes).to.have.length(4);
      expect(boxes[0]).to.equal('17,13,48,48');
      boxes.slice(1).forEach((l, i) => expect(centreError(parseLine(l), alpha[i + 1]), l).to.be.below(2));
      const times = lines(join(out(), 'Alpha_time.txt'));
      expect(times).to.have.length(4);
      for (const t of times) expect(t).to.match(/^\d+\.\d{8}$/);
      expect(json.precision).to.equal(1);
      expect(readdirSync(weightsDir), 'no weights written').to.deep.equal([]);
    });

    it('--all resumes: keeps finished results, tracks both targets of a .1/.2 folder, notes short ground truth', async () => {
      // Twin has two annotated targets (like OTB's Jogging); its .2 file is one line short.
      const one = path(4, 6, 10, 21);
      const two = path(4, 80, 26, 22).map((t) => ({ ...t, x: t.x - 6 * (t.x - 80) / 3 }));
      writeOtb(join(tmp, 'data', 'Twin'), one.map((t, k) => scene(140, 80, [t, two[k]])), {
        'groundtruth_rect.1.txt': one.map((t) => oneBased(boxOf(t))),
        'groundtruth_rect.2.txt': two.slice(0, 3).map((t) => oneBased(boxOf(t))),
      });
      const before = readFileSync(join(out(), 'Alpha.txt'), 'utf8');
      const mtime = statSync(join(out(), 'Alpha.txt')).mtimeMs;
      const r = await tadt('track', join(tmp, 'data'), '--all', '--out', out());
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.contain('Alpha: found results, skipping (use --overwrite)');
      expect(r.stderr).to.contain('Twin-2: 4 frames from frame 1 but 3 ground-truth lines in groundtruth_rect.2.txt: using 3 frames (1..3)');
      expect(readFileSync(join(out(), 'Alpha.txt'), 'utf8')).to.equal(before);
      expect(statSync(join(out(), 'Alpha.txt')).mtimeMs).to.equal(mtime);
      const [b1, b2] = ['Twin-1', 'Twin-2'].map((n) => lines(join(out(), `${n}.txt`)));
      expect(b1).to.have.length(4);
      expect(b2).to.have.length(3);
      expect([b1[0], b2[0]]).to.deep.equal([oneBased(boxOf(one[0])), oneBased(boxOf(two[0]))]);
      expect(centreError(parseLine(b1[3]), one[3])).to.be.below(2);
      expect(centreError(parseLine(b2[2]), two[2])).to.be.below(2);
      expect(r.stdout).to.match(/^Twin-1: 4 frames, .* AUC \d\.\d{3}, precision@20px 1\.000 \[/m);
    });

    it('tadt eval scores the result folder against the dataset', async () => {
      const r = await tadt('eval', '--dataset', join(tmp, 'data'), '--results', `TADT=${out()}`, '--json');
      expect(r.code, r.stderr).to.equal(0);
      const report = JSON.parse(r.stdout);
      const sequences = report.trackers[0].sequences;
      expect(Object.keys(sequences).sort()).to.deep.equal(['Alpha', 'Twin-1', 'Twin-2']);
      for (const [name, m] of Object.entries<{ precision: number; auc: number }>(sequences)) {
        expect(m.precision, name).to.equal(1);
        expect(m.auc, name).to.be.above(0.75);
      }
    });

    it('--all without --overwrite starts no GPU work when every result exists; --overwrite redoes them', async () => {
      const solo = path(3);
      writeOtb(join(tmp, 'only', 'Solo'), solo.map((t) => scene(100, 80, [t])), { 'groundtruth_rect.txt': solo.map((t) => oneBased(boxOf(t))) });
      const dir = join(tmp, 'resume');
      mkdirSync(dir);
      writeFileSync(join(dir, 'Solo.txt'), 'stale\n');
      const skip = await tadt('track', join(tmp, 'only'), '--all', '--out', dir);
      expect(skip.code, skip.stderr).to.equal(0);
      expect(skip.stderr.trim()).to.equal('Solo: found results, skipping (use --overwrite)');
      expect(readFileSync(join(dir, 'Solo.txt'), 'utf8')).to.equal('stale\n');
      const redo = await tadt('track', join(tmp, 'only'), '--all', '--out', dir, '--overwrite', '--quiet');
      expect(redo.code, redo.stderr).to.equal(0);
      expect(lines(join(dir, 'Solo.txt'))[0]).to.equal('17,13,48,48');
      expect(lines(join(dir, 'Solo.txt'))).to.have.length(3);
    });

    it('tracks a plain folder of frames given --box (1-based), noting a numbering gap', async () => {
      const dir = join(tmp, 'Frames');
      mkdirSync(dir);
      const targets = path(4);
      [0, 1, 3].forEach((k) => writeFileSync(join(dir, `${String(k + 1).padStart(4, '0')}.png`), png(scene(100, 80, [targets[k]]))));
      const r = await tadt('track', dir, '--box', '17,13,48,48', '--out', out());
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.contain('Frames: frame numbering jumps from 0002.png to 0004.png');
      expect(r.stdout).to.match(/^Frames: 3 frames, [\d.]+ FPS .*init [\d.]+ s \[/);
      expect(r.stdout).not.to.contain('AUC');
      const boxes = lines(join(out(), 'Frames.txt'));
      expect(boxes).to.have.length(3);
      expect(boxes[0]).to.equal('17,13,48,48');
      expect(centreError(parseLine(boxes[1]), targets[1])).to.be.below(2);
    });
  });

  describe('track: several targets', () => {
    const two = [path(3), path(3, 56, 30, 12)];
    const dir = () => join(tmp, 'Pair');
    before(() => {
      mkdirSync(dir());
      two[0].forEach((_, k) => writeFileSync(join(dir(), `${String(k + 1).padStart(4, '0')}.png`), png(scene(100, 80, [two[0][k], two[1][k]]))));
    });

    it('--box twice: <Seq>.1.txt and <Seq>.2.txt, each target followed, both drawn with their index', async () => {
      const out = join(tmp, 'pair-out');
      const vis = join(tmp, 'pair-vis');
      const r = await tadt('track', dir(), '--box', oneBased(boxOf(two[0][0])), '--box', oneBased(boxOf(two[1][0])), '--out', out, '--vis', vis, '--json');
      expect(r.code, r.stderr).to.equal(0);
      const json = JSON.parse(r.stdout.trim());
      expect(json.targets).to.deep.equal([1, 2].map((k) => ({ target: k, results: join(out, `Pair.${k}.txt`) })));
      for (const [k, targets] of two.entries()) {
        const boxes = lines(join(out, `Pair.${k + 1}.txt`));
        expect(boxes).to.have.length(3);
        expect(boxes[0]).to.equal(oneBased(boxOf(targets[0])));
        boxes.slice(1).forEach((l, i) => expect(centreError(parseLine(l), targets[i + 1]), `target ${k + 1}: ${l}`).to.be.below(2));
        expect(lines(join(out, `Pair.${k + 1}_time.txt`))).to.have.length(3);
      }
      expect(existsSync(join(out, 'Pair.txt'))).to.equal(false);
      expect(readdirSync(vis)).to.deep.equal(['0001.png', '0002.png', '0003.png']);
    });

    it('--boxes FILE: a bad line or an empty file is an error naming the file (and line), before any GPU work', async () => {
      const file = join(tmp, 'boxes.txt');
      writeFileSync(file, '17,13,48,48\n57,31,48\n');
      const r = await tadt('track', dir(), '--boxes', file, '--out', join(tmp, 'boxes-out'));
      expect(r.code).to.equal(1);
      expect(r.stderr.trim()).to.equal(`tadt track: ${file}:2: expected 4 numbers, got "57,31,48"`);
      writeFileSync(file, '\n');
      const empty = await tadt('track', dir(), '--boxes', file, '--out', join(tmp, 'boxes-out'));
      expect(empty.stderr.trim()).to.equal(`tadt track: ${file}: no boxes (one x,y,w,h per line)`);
      writeFileSync(file, '17,13,48,48\n57,31,0,48\n');
      const zero = await tadt('track', dir(), '--boxes', file, '--out', join(tmp, 'boxes-out'));
      expect(zero.stderr.trim()).to.match(/^tadt track: init box of target 2 \(1-based\) \[57, 31, 0, 48\]/);
      expect(existsSync(join(tmp, 'boxes-out'))).to.equal(false);
    });
  });

  describe('track: bad input', () => {
    const data = () => join(tmp, 'bad');
    const gtRows = (targets: Target[]) => ({ 'groundtruth_rect.txt': targets.map((t) => oneBased(boxOf(t))) });

    it('a missing frame with ground truth: exit 1 naming the gap, before any GPU work', async () => {
      const t = path(4);
      writeOtb(join(data(), 'Gap'), [0, 1, 3].map((k) => scene(100, 80, [t[k]])), gtRows(t), ['0001.png', '0002.png', '0004.png']);
      const r = await tadt('track', join(data(), 'Gap'), '--out', join(tmp, 'gap-out'));
      expect(r.code).to.equal(1);
      expect(r.stderr.trim()).to.equal(
        'tadt track: frame numbering jumps from 0002.png to 0004.png: a frame file is missing, so ground truth would be misaligned',
      );
      expect(existsSync(join(tmp, 'gap-out'))).to.equal(false);
    });

    it('a non-numeric ground-truth line: exit 1 naming the file and line', async () => {
      const t = path(3);
      writeOtb(join(data(), 'BadGt'), t.map((x) => scene(100, 80, [x])), { 'groundtruth_rect.txt': ['17,13,48,48', '20,x,48,48', '23,17,48,48'] });
      const r = await tadt('track', join(data(), 'BadGt'), '--out', join(tmp, 'badgt-out'));
      expect(r.code).to.equal(1);
      const file = join(data(), 'BadGt', 'groundtruth_rect.txt');
      expect(r.stderr.trim()).to.equal(`tadt track: ${file}:2: expected 4 finite numbers, got "20,x,48,48"`);
    });

    it('a corrupt JPEG or a frame of another size mid-sequence: the file is named, no result is left, other sequences go on', async () => {
      const t = path(3);
      const root = join(tmp, 'mid');
      writeOtb(join(root, 'Broken'), [scene(100, 80, [t[0]])], gtRows(t));
      const jpeg = join(root, 'Broken', 'img', '0002.jpg');
      writeFileSync(jpeg, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(600, 0x5a)]));
      writeFileSync(join(root, 'Broken', 'img', '0003.png'), png(scene(100, 80, [t[2]])));
      const sizes = writeOtb(join(root, 'Sizes'), [scene(100, 80, [t[0]]), scene(96, 80, [t[1]]), scene(100, 80, [t[2]])], gtRows(t));
      const dir = join(tmp, 'mid-out');
      const r = await tadt('track', root, '--all', '--out', dir);
      expect(r.code).to.equal(1);
      const jpegLine = r.stderr.split('\n').find((l) => l.startsWith(`tadt track: Broken: ${jpeg}: `));
      expect(jpegLine, r.stderr).to.match(/: (corrupt|truncated) JPEG: /);
      expect(r.stderr).to.contain(`tadt track: Sizes: ${sizes[1]}: frame is 96x80, but the sequence started with 100x80 frames`);
      expect(r.stderr).to.match(/^tadt track: 2 of 2 sequences failed \(no results written\): Broken, Sizes$/m);
      // Atomic results: nothing, not even a temporary file, is left for a resumed run to trust.
      expect(existsSync(dir) ? readdirSync(dir) : []).to.deep.equal([]);
    });
  });

  describe('dataset layouts', () => {
    /** A still 48x48 target at (16, 12) in 100x80 frames, written as <dir>/<8-digit number>.png. */
    const still: Target = { x: 16, y: 12, w: 48, h: 48, seed: 11 };
    const writeFrames = (dir: string, n: number) => {
      mkdirSync(dir, { recursive: true });
      for (let i = 1; i <= n; i++) writeFileSync(join(dir, `${String(i).padStart(8, '0')}.png`), png(scene(100, 80, [still])));
    };
    const truth = '17,13,65,13,65,61,17,61'; // the target as a 1-based VOT corner polygon

    it('VOT root: the supervised experiment (pysot layout), then accuracy, robustness and EAO', async () => {
      // The ground truth claims the target is in the bottom-right corner on frame 4: a failure by
      // construction, 5 frames' skip, re-initialisation on frame 9; 22 frames leave 4 past the burn-in.
      const root = join(tmp, 'vot');
      writeFrames(join(root, 'hop', 'color'), 22);
      writeFileSync(join(root, 'list.txt'), 'hop\n');
      writeFileSync(join(root, 'hop', 'groundtruth.txt'), Array.from({ length: 22 }, (_, i) => (i === 3 ? '75,68,25,12' : truth)).join('\n'));
      const out = join(tmp, 'vot-out');
      const r = await tadt('track', root, '--all', '--out', out);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.contain(`${root}: vot layout, 1 of 1 sequences to track, supervised experiment`);
      expect(r.stdout).to.match(/^hop: 22 frames, 1 failures \(lost\), [\d.]+ FPS/m);
      const records = lines(join(out, 'baseline', 'hop', 'hop_001.txt'));
      expect(records.map((l) => (l.includes(',') ? 'box' : l))).to.deep.equal(['1', 'box', 'box', '2', '0', '0', '0', '0', '1', ...Array(13).fill('box')]);
      expect(lines(join(out, 'baseline', 'hop', 'hop_time.txt'))).to.have.length(22);

      const e = await tadt('eval', '--dataset', root, '--results', `T=${out}`, '--eao-range', '2,22', '--json');
      expect(e.code, e.stderr).to.equal(0);
      const t = JSON.parse(e.stdout).trackers[0];
      expect([t.failures, t.sequences.hop.frames]).to.deep.equal([1, 22]);
      expect(t.robustness).to.be.closeTo(100 / 22, 1e-12);
      expect(t.accuracy).to.be.above(0.7);
      expect(t.eao).to.be.within(0, 1);
      const table = await tadt('eval', '--dataset', root, '--results', `T=${out}`);
      expect(table.code).to.equal(1);
      expect(table.stderr).to.contain("say which VOT edition's EAO range to use");
    });

    it('GOT-10k splits: results in got10k layout, AO on val, the test split tracked but not scored', async () => {
      const root = join(tmp, 'got');
      const val = 'GOT-10k_Val_000001';
      writeFrames(join(root, 'val', val), 5);
      writeFileSync(join(root, 'val', 'list.txt'), `${val}\n`);
      writeFileSync(join(root, 'val', val, 'groundtruth.txt'), Array(5).fill('16,12,48,48').join('\n'));
      writeFileSync(join(root, 'val', val, 'cover.label'), '8\n8\n8\n8\n8\n');
      writeFileSync(join(root, 'val', val, 'meta_info.ini'), '[METAINFO]\nresolution: (100, 80)\n');
      const test = 'GOT-10k_Test_000001';
      writeFrames(join(root, 'test', test), 3);
      writeFileSync(join(root, 'test', 'list.txt'), `${test}\n`);
      writeFileSync(join(root, 'test', test, 'groundtruth.txt'), '16,12,48,48\n');

      const whole = await tadt('track', root, '--all', '--out', join(tmp, 'got-out'));
      expect(whole.code).to.equal(1);
      expect(whole.stderr).to.contain('give one split, e.g.');
      for (const split of ['val', 'test']) {
        const r = await tadt('track', join(root, split), '--all', '--out', join(tmp, 'got-out', split), '--quiet');
        expect(r.code, r.stderr).to.equal(0);
      }
      expect(lines(join(tmp, 'got-out', 'val', val, `${val}_001.txt`))).to.have.length(5);
      expect(lines(join(tmp, 'got-out', 'val', val, `${val}_time.txt`))).to.have.length(5);
      expect(lines(join(tmp, 'got-out', 'test', test, `${test}_001.txt`))).to.have.length(3);

      const e = await tadt('eval', '--dataset', join(root, 'val'), '--results', `T=${join(tmp, 'got-out', 'val')}`, '--json');
      expect(e.code, e.stderr).to.equal(0);
      const got = JSON.parse(e.stdout).trackers[0].got10k.overall;
      expect(got.frames).to.equal(4);
      expect(got.ao).to.be.above(0.8);
      const t = await tadt('eval', '--dataset', join(root, 'test'), '--results', `T=${join(tmp, 'got-out', 'test')}`);
      expect(t.code).to.equal(1);
      expect(t.stderr).to.contain('only the GOT-10k server can score it');
    });
  });
  describe('track: video files', () => {
    // The generated demo, short and small (160x120) to keep tracking time low on lavapipe.
    const demo = generateDemoSequence({ frames: 8, width: 160, height: 120 });
    const box = oneBased(demo.boxes[0]);
    const videoOut = () => join(tmp, 'video-results');

    it('tracks a lossless video exactly as the folder of its frames, reporting frame rate and count', async () => {
      const folder = join(tmp, 'video', 'DemoFrames');
      await writeDemoSequence(folder, { frames: 8, width: 160, height: 120 });
      const clip = join(tmp, 'video', 'demo-clip.mkv');
      encodeVideo(clip, demo.frames, ['-c:v', 'ffv1']);
      const frames = await tadt('track', folder, '--box', box, '--out', videoOut(), '--quiet');
      expect(frames.code, frames.stderr).to.equal(0);
      const video = await tadt('track', clip, '--box', box, '--out', videoOut(), '--json');
      expect(video.code, video.stderr).to.equal(0);
      const json = JSON.parse(video.stdout.trim());
      expect(json).to.deep.include({ sequence: 'demo-clip', frames: 8, results: join(videoOut(), 'demo-clip.txt') });
      expect(json.video).to.deep.equal({ file: clip, fps: 25, frameCount: 8, width: 160, height: 120 });
      const boxes = lines(join(videoOut(), 'demo-clip.txt'));
      expect(boxes).to.deep.equal(lines(join(videoOut(), 'DemoFrames.txt')));
      expect(boxes[0]).to.equal(box);
      expect(lines(join(videoOut(), 'demo-clip_time.txt'))).to.have.length(8);
    });

    it('the summary line gives the frames tracked, where they are in the video, and its frame rate', () => {
      const run = { name: 'clip', frames: 2, fps: 1.5, initSeconds: 9, metrics: null, firstFrame: 7 } as SequenceRun;
      const video = { frameCount: 8, fps: 30000 / 1001 } as VideoInfo;
      expect(summaryLine({ ...run, video }, 'gpu')).to.equal(
        'clip: 2 frames (7..8 of 8 in the video, 29.97 fps), 1.50 FPS (frames 2..N; decode and first-frame init excluded), init 9.00 s [gpu]',
      );
      expect(summaryLine({ ...run, video: { ...video, fps: null } }, 'gpu')).to.contain('(7..8 of 8 in the video, frame rate unknown)');
    });

    it('no ffmpeg, a text file renamed .mp4, a truncated video: exit 1 naming the file, before any GPU work', async () => {
      const clip = join(tmp, 'video', 'demo-clip.mkv');
      const missing = await tadtWith({ TADT_FFMPEG: join(tmp, 'no-ffmpeg') }, 'track', clip, '--box', box, '--out', videoOut() + '-x');
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.match(new RegExp(`^tadt track: cannot read ${clip}: TADT_FFMPEG=${join(tmp, 'no-ffmpeg')} is not an executable file\\. Install ffmpeg`));
      const text = join(tmp, 'video', 'notes.mp4');
      writeFileSync(text, 'not a video\n');
      const bad = await tadt('track', text, '--box', box, '--out', videoOut() + '-x');
      expect(bad.code).to.equal(1);
      expect(bad.stderr).to.match(new RegExp(`^tadt track: ${text}: not a video ffmpeg can read: `));
      const cut = join(tmp, 'video', 'cut.mkv');
      writeFileSync(cut, readFileSync(clip).subarray(0, 150_000));
      const truncated = await tadt('track', cut, '--box', box, '--out', videoOut() + '-x');
      expect(truncated.code).to.equal(1);
      expect(truncated.stderr.trim()).to.match(new RegExp(`^tadt track: ${cut}: truncated or corrupt video: File ended prematurely \\(\\d frames? readable\\)$`));
      expect(existsSync(videoOut() + '-x')).to.equal(false);
    });

    it('a frame that fails to decode while tracking: exit 1 naming the file and frame, no result written', async () => {
      const damaged = join(tmp, 'video', 'damaged.mkv');
      encodeDamagedVideo(damaged, demo.frames);
      const r = await tadt('track', damaged, '--box', box, '--out', join(tmp, 'damaged-out'));
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(new RegExp(`^tadt track: ${damaged}: frame \\d: decoding failed: slice CRC mismatch`, 'm'));
      expect(existsSync(join(tmp, 'damaged-out')) ? readdirSync(join(tmp, 'damaged-out')) : []).to.deep.equal([]);
    });
  });
});
