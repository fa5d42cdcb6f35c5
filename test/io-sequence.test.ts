import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromOneBased, toOneBased, validateInitBox } from '../src/io/box.ts';
import { SequenceError } from '../src/io/errors.ts';
import { parseRegions, regionBox } from '../src/io/groundtruth.ts';
import { type OpenOptions, listSequences, openSequence } from '../src/io/sequence.ts';
import { tempDir } from './helpers/temp.ts';
import { sharedPath } from '../src/eval/shared-data.ts';
import { itShared } from './helpers/shared.ts';

const otb = (seq: string) => sharedPath('data', 'otb', seq);

/** A throwaway sequence folder: `frames` empty files in `sub`, and any extra text files. */
function fakeSequence(frames: string[], files: Record<string, string>, sub = 'img'): string {
  const dir = join(tempDir(), 'Seq');
  mkdirSync(join(dir, sub), { recursive: true });
  for (const f of frames) writeFileSync(join(dir, sub, f), '');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const numbered = (n: number, from = 1, digits = 4, ext = 'jpg') =>
  Array.from({ length: n }, (_, i) => `${String(from + i).padStart(digits, '0')}.${ext}`);
const gtLines = (n: number) => Array.from({ length: n }, (_, i) => `${10 + i},20,30,40\n`).join('');
const openFails = (dir: string, opts: OpenOptions, why: RegExp) =>
  expect(() => openSequence(dir, opts)).to.throw(SequenceError, why);

describe('io/groundtruth: parseRegions', () => {
  it('accepts comma, tab, space and mixed separators, CRLF and trailing blank lines', () => {
    const text = '1,2,3,4\r\n5\t6\t7\t8\n9 10 11 12\n 13, 14\t15  16 \n\n';
    expect(parseRegions(text, 'gt.txt')).to.deep.equal([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]);
  });

  it('names the file and 1-based line of a bad line', () => {
    expect(() => parseRegions('1,2,3,4\n1,2,x,4\n', 'gt.txt')).to.throw(SequenceError, /gt\.txt:2: .*"1,2,x,4"/);
    expect(() => parseRegions('1,2,3,4\n1,2,3\n', 'gt.txt')).to.throw(SequenceError, /gt\.txt:2: expected 4 numbers/);
    expect(() => parseRegions('1,2,3,4\n\n1,2,3,4\n', 'gt.txt')).to.throw(SequenceError, /gt\.txt:2: .*empty line/);
    expect(() => parseRegions('1,2,3,4\n,1,2,3\n', 'gt.txt')).to.throw(SequenceError, /gt\.txt:2:/);
    expect(() => parseRegions('1,2,3,4\n1,2,3,Infinity\n', 'gt.txt')).to.throw(SequenceError, /gt\.txt:2:/);
    expect(() => parseRegions('1,2,3,4,5,6,7,8\n', 'gt.txt')).to.throw(SequenceError, /gt\.txt:1: expected 4 numbers/);
    expect(() => parseRegions('', 'gt.txt')).to.throw(SequenceError, /empty/);
  });

  it('turns NaN lines into null, but not on the first line', () => {
    expect(parseRegions('1,2,3,4\nNaN,NaN,NaN,NaN\n5,6,7,8\n', 'gt.txt')).to.deep.equal([[1, 2, 3, 4], null, [5, 6, 7, 8]]);
    expect(() => parseRegions('nan,nan,nan,nan\n1,2,3,4\n', 'gt.txt')).to.throw(SequenceError, /gt\.txt:1: first/);
  });

  it('reduces 8-value polygons to their min/max box when polygons are allowed', () => {
    const regions = parseRegions('10,20,30,25,28,50,8,45\n1,2,3,4\n', 'gt.txt', true);
    expect(regions).to.deep.equal([[10, 20, 30, 25, 28, 50, 8, 45], [1, 2, 3, 4]]);
    expect(regions.map((r) => regionBox(r!))).to.deep.equal([[8, 20, 22, 30], [1, 2, 3, 4]]);
  });
});

describe('io/box', () => {
  it('converts between 1-based files and 0-based pixels in one place', () => {
    expect(fromOneBased([446, 181, 29, 26])).to.deep.equal([445, 180, 29, 26]);
    expect(toOneBased(fromOneBased([1.5, 2, 3, 4]))).to.deep.equal([1.5, 2, 3, 4]);
  });

  it('rejects empty, non-finite and fully outside init boxes, naming the value', () => {
    expect(() => validateInitBox([10, 10, 0, 5], 640, 360)).to.throw(SequenceError, /\[10, 10, 0, 5\].*zero or negative/);
    expect(() => validateInitBox([10, 10, 5, -1], 640, 360)).to.throw(SequenceError, /zero or negative/);
    expect(() => validateInitBox([NaN, 10, 5, 5], 640, 360)).to.throw(SequenceError, /finite/);
    expect(() => validateInitBox([640, 10, 5, 5], 640, 360)).to.throw(SequenceError, /entirely outside the 640x360/);
    expect(() => validateInitBox([-20, 10, 20, 5], 640, 360)).to.throw(SequenceError, /outside/);
    expect(() => validateInitBox([10, 360, 5, 5], 640, 360)).to.throw(SequenceError, /outside/);
    // Partly outside is real data (OTB Biker frame 75) and must pass.
    validateInitBox([347, -11, 32, 35], 640, 360);
    validateInitBox([-19, 10, 20, 5], 640, 360);
  });
});

describe('io/sequence: openSequence on the shared datasets', () => {
  itShared('opens OTB Skiing: 81 frames, 0-based init box from line 1', () => {
    const s = openSequence(otb('Skiing'));
    expect(s.layout).to.equal('otb');
    expect(s.name).to.equal('Skiing');
    expect(s.frames).to.have.length(81);
    expect(s.frames[0]).to.equal(join(otb('Skiing'), 'img', '0001.jpg'));
    expect(s.frames[80]).to.match(/0081\.jpg$/);
    expect(s.initBox).to.deep.equal([445, 180, 29, 26]);
    expect(s.groundTruth![80]).to.deep.equal([201, 270, 9, 13]); // file: 202,271,9,13
    expect(s.notes).to.deep.equal([]);
  });

  itShared('reads the tab-separated OTB files (Couple)', () => {
    const s = openSequence(otb('Couple'));
    expect(s.frames).to.have.length(140);
    expect(s.initBox).to.deep.equal([50, 46, 25, 62]); // file: 51<TAB>47<TAB>25<TAB>62
  });

  itShared('cuts Football1 to its 74 annotated frames and says so', () => {
    const s = openSequence(otb('Football1'));
    expect(s.frames).to.have.length(74);
    expect(s.groundTruth).to.have.length(74);
    expect(s.frames[73]).to.match(/0074\.jpg$/);
    expect(s.notes).to.have.length(1);
    expect(s.notes[0]).to.match(/81 frames .* 74 ground-truth lines .*using 74 frames/);
  });

  itShared('opens VOT bag: color/ frames and polygons reduced to min/max boxes', () => {
    const s = openSequence(sharedPath('data', 'vot', 'bag'));
    expect(s.layout).to.equal('vot');
    expect(s.frames).to.have.length(196);
    expect(s.frames[0]).to.match(/color\/00000001\.jpg$/);
    // Line 1: 334.02,128.36,438.19,188.78,396.39,260.83,292.23,200.41
    // x: min 292.23, max 438.19; y: min 128.36, max 260.83; then minus 1 for 0-based.
    const [x, y, w, h] = s.initBox;
    expect(x).to.be.closeTo(291.23, 1e-9);
    expect(y).to.be.closeTo(127.36, 1e-9);
    expect(w).to.be.closeTo(145.96, 1e-9);
    expect(h).to.be.closeTo(132.47, 1e-9);
  });

  itShared('applies start/end (1-based, inclusive) to frames and ground truth', () => {
    const s = openSequence(otb('Skiing'), { start: 5, end: 10 });
    expect(s.frames).to.have.length(6);
    expect(s.frames[0]).to.match(/0005\.jpg$/);
    expect(s.firstFrame).to.equal(5);
    expect(s.groundTruth).to.have.length(6);
    expect(s.initBox).to.deep.equal(s.groundTruth![0]);
    openFails(otb('Skiing'), { start: 0 }, /start = 0 .* 1\.\.81/);
    openFails(otb('Skiing'), { end: 82 }, /end = 82/);
    openFails(otb('Skiing'), { start: 10, end: 5 }, /end 5 is before start 10/);
    openFails(otb('Football1'), { end: 80 }, /end = 80 .* 1\.\.74/);
  });

  itShared('takes a 1-based user box over the ground truth and checks its size', () => {
    expect(openSequence(otb('Skiing'), { box: [100, 50, 20, 10] }).initBox).to.deep.equal([99, 49, 20, 10]);
    openFails(otb('Skiing'), { box: [100, 50, 0, 10] }, /\[100, 50, 0, 10\].*zero or negative/);
  });
});

describe('io/sequence: layouts and quirks', () => {
  it('opens a plain folder of frames only with a box', () => {
    const dir = fakeSequence(['b10.png', 'b9.png', 'b1.png', 'notes.txt'], {}, '.');
    openFails(dir, {}, /no ground-truth file.*init box/);
    const s = openSequence(dir, { box: [1, 1, 5, 5] });
    expect(s.layout).to.equal('frames');
    expect(s.groundTruth).to.equal(null);
    expect(s.frames.map((f) => f.slice(dir.length + 1))).to.deep.equal(['b1.png', 'b9.png', 'b10.png']);
    expect(s.notes[0]).to.match(/jumps from b1\.png to b9\.png/);
  });

  it('refuses a numbering gap when ground truth would be misaligned', () => {
    const frames = numbered(5).filter((f) => f !== '0003.jpg');
    openFails(fakeSequence(frames, { 'groundtruth_rect.txt': gtLines(5) }), {}, /0002\.jpg to 0004\.jpg.*missing/);
  });

  it('truncates extra ground-truth lines with a note (Board-style)', () => {
    const s = openSequence(fakeSequence(numbered(3, 1, 5), { 'groundtruth_rect.txt': gtLines(4) }));
    expect(s.frames).to.have.length(3);
    expect(s.groundTruth).to.have.length(3);
    expect(s.notes[0]).to.match(/3 frames .* 4 ground-truth lines/);
  });

  it('keeps NaN frames as null and refuses a NaN start frame without a box', () => {
    const dir = fakeSequence(numbered(3), { 'groundtruth_rect.txt': '1,2,3,4\nNaN,NaN,NaN,NaN\n5,6,7,8\n' });
    expect(openSequence(dir).groundTruth).to.deep.equal([[0, 1, 3, 4], null, [4, 5, 7, 8]]);
    openFails(dir, { start: 2 }, /start frame 2 is NaN/);
    expect(openSequence(dir, { start: 2, box: [1, 1, 2, 2] }).groundTruth).to.deep.equal([null, [4, 5, 7, 8]]);
  });

  it('aligns ground truth that starts later (David-style gtFirstFrame)', () => {
    const dir = fakeSequence(numbered(10), { 'groundtruth_rect.txt': gtLines(4) });
    const s = openSequence(dir, { gtFirstFrame: 7 });
    expect(s.frames.map((f) => f.slice(-8))).to.deep.equal(['0007.jpg', '0008.jpg', '0009.jpg', '0010.jpg']);
    expect(s.initBox).to.deep.equal([9, 19, 30, 40]);
    expect(s.notes).to.deep.equal([]);
    openFails(dir, { gtFirstFrame: 7, start: 3 }, /before frame 7/);
  });

  it('uses groundtruth_rect.N.txt, naming the sequence Name-N, and notes other targets', () => {
    const one = openSequence(fakeSequence(numbered(2), { 'groundtruth_rect.2.txt': gtLines(2) }));
    expect([one.name, one.layout, one.notes.length]).to.deep.equal(['Seq-2', 'otb', 0]);
    const dir = fakeSequence(numbered(2), { 'groundtruth_rect.1.txt': gtLines(2), 'groundtruth_rect.2.txt': '1,1,9,9\n1,1,9,9\n' });
    const s = openSequence(dir);
    expect(s.name).to.equal('Seq-1');
    expect(s.notes[0]).to.match(/several targets/);
    const s2 = openSequence(dir, { gtFile: 'groundtruth_rect.2.txt' });
    expect([s2.name, s2.initBox]).to.deep.equal(['Seq-2', [0, 0, 9, 9]]);
  });

  it('reads VOT-legacy frames placed directly in the folder with 4-value lines', () => {
    const s = openSequence(fakeSequence(numbered(2, 1, 8), { 'groundtruth.txt': '11,21,5,6\n12,22,5,6\n' }, '.'));
    expect([s.layout, s.initBox]).to.deep.equal(['vot', [10, 20, 5, 6]]);
  });

  it('reports a bad ground-truth line with file and line number', () => {
    const dir = fakeSequence(numbered(3), { 'groundtruth_rect.txt': '1,2,3,4\n1,2,3,4\nfoo,2,3,4\n' });
    openFails(dir, {}, /groundtruth_rect\.txt:3: /);
  });

  it('fails clearly on a folder without frames', () => {
    openFails(fakeSequence([], { 'groundtruth_rect.txt': gtLines(1) }), {}, /no frames/);
    openFails(join(tempDir(), 'absent'), {}, /no such folder or video file/);
  });
});

describe('io/sequence: listSequences', () => {
  itShared('lists the shared OTB sequences in natural order, skipping files', () => {
    const list = listSequences(sharedPath('data', 'otb'));
    expect(list.map((e) => e.name)).to.deep.equal(['Couple', 'Crossing', 'DragonBaby', 'Football1', 'Skiing']);
    expect(list[0].gtFile).to.equal('groundtruth_rect.txt');
  });

  it('gives one entry per target and ignores folders without ground truth', () => {
    const root = tempDir();
    const add = (name: string, files: Record<string, string>) => {
      mkdirSync(join(root, name, 'img'), { recursive: true });
      writeFileSync(join(root, name, 'img', '0001.jpg'), '');
      for (const [f, t] of Object.entries(files)) writeFileSync(join(root, name, f), t);
    };
    add('Jogging', { 'groundtruth_rect.1.txt': gtLines(1), 'groundtruth_rect.2.txt': gtLines(1) });
    add('Basketball', { 'groundtruth_rect.txt': gtLines(1) });
    add('Human4', { 'groundtruth_rect.2.txt': gtLines(1) });
    add('NoGt', {});
    mkdirSync(join(root, 'Empty'));
    expect(listSequences(root).map((e) => [e.name, e.gtFile])).to.deep.equal([
      ['Basketball', 'groundtruth_rect.txt'],
      ['Human4-2', 'groundtruth_rect.2.txt'],
      ['Jogging-1', 'groundtruth_rect.1.txt'],
      ['Jogging-2', 'groundtruth_rect.2.txt'],
    ]);
  });
});
