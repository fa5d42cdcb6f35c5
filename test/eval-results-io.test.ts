import { expect } from 'chai';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openGroundTruth } from '../src/eval/otb-gt.ts';
import { canonicalName, parseBoxText, readPublishedJson, readResultTxt } from '../src/eval/results-io.ts';
import { sharedPath } from '../src/eval/shared-data.ts';
import { itShared } from './helpers/shared.ts';

const SHARED_SEQS = ['Couple', 'Crossing', 'DragonBaby', 'Football1', 'Skiing'];
const published = (tracker: string, seq: string) => sharedPath('data/results/otb-ope', tracker, `${seq}.json`);

/** A fake OTB folder: `<root>/<dir>/img/0001.jpg..` (empty files) plus the given ground-truth files. */
function fakeSequence(root: string, dir: string, images: number, gtFiles: Record<string, number>, digits = 4): void {
  mkdirSync(join(root, dir, 'img'), { recursive: true });
  for (let i = 1; i <= images; i++) writeFileSync(join(root, dir, 'img', `${String(i).padStart(digits, '0')}.jpg`), '');
  for (const [file, lines] of Object.entries(gtFiles)) {
    writeFileSync(join(root, dir, file), Array.from({ length: lines }, (_, i) => `${i + 1},2,3,4`).join('\n') + '\n');
  }
}

describe('eval results-io', () => {
  it('parses comma, tab, space and mixed separators, CRLF and NaN', () => {
    const text = '1,2,3,4\r\n5\t6\t7\t8\n9 10  11 12\n13, 14\t15 16\nNaN,NaN,NaN,NaN\n-1.5e1,+.5,2.,3\n\n';
    const boxes = parseBoxText(text, 'r.txt');
    expect(boxes.slice(0, 4)).to.deep.equal([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]);
    expect(boxes[4]!.every(Number.isNaN)).to.equal(true);
    expect(boxes[5]).to.deep.equal([-15, 0.5, 2, 3]);
  });

  it('rejects bad lines with file and line number', () => {
    expect(() => parseBoxText('1,2,3,4\n1,2,3\n', 'a.txt')).to.throw('a.txt:2: expected 4 numbers');
    expect(() => parseBoxText('1,2,3,4,5', 'b.txt')).to.throw('b.txt:1:');
    expect(() => parseBoxText('1,2,x,4', 'c.txt')).to.throw('c.txt:1:');
    expect(() => parseBoxText('0x10,2,3,4', 'd.txt')).to.throw('d.txt:1:');
    expect(() => parseBoxText('1,2,3,4\n\n5,6,7,8', 'e.txt')).to.throw('e.txt:2: empty line');
    const dir = mkdtempSync(join(tmpdir(), 'tadt-res-'));
    const file = join(dir, 'Seq.txt');
    writeFileSync(file, '1,2,3,4\n1;2;3;4\n');
    expect(() => readResultTxt(file)).to.throw(`${file}:2:`);
  });

  it('matches names case-insensitively with - and _ alike', () => {
    expect(canonicalName('Human4_2')).to.equal(canonicalName('human4-2'));
    expect(canonicalName('BasketBall')).to.equal(canonicalName('Basketball'));
  });

  itShared('reads the 5 shared sequences from folders, equal to otb2015.json (Football1: 74 of 81 frames)', () => {
    const folder = openGroundTruth(sharedPath('data/otb'));
    const json = openGroundTruth(sharedPath('data/otb/otb2015.json'));
    expect([...folder.names].sort()).to.deep.equal(SHARED_SEQS);
    expect(json.names).to.have.length(100);
    for (const name of SHARED_SEQS) {
      const a = folder.load(name)!;
      const b = json.load(name)!;
      expect(a.gt, name).to.deep.equal(b.gt);
      expect(a.firstFrame).to.equal(1);
    }
    const f = folder.load('football1')!;
    expect([f.gt.length, f.frameCount]).to.deep.equal([74, 81]);
    expect(f.notes.join()).to.contain('74 annotations for 81 images');
    expect(folder.load('Couple')!.gt[0]).to.deep.equal([51, 47, 25, 62]); // tab-separated file
    expect(folder.load('NoSuchSeq')).to.equal(null);
  });

  itShared('names two-target sequences as the results do and knows David, Tiger1, Board', () => {
    const json = openGroundTruth(sharedPath('data/otb/otb2015.json'));
    for (const n of ['Jogging-1', 'Jogging-2', 'Skating2-1', 'Human4-2']) expect(json.load(n)?.name).to.equal(n);
    expect(json.load('David')!.firstFrame).to.equal(300);
    expect(json.load('Tiger1')!.firstFrame).to.equal(6);

    const root = mkdtempSync(join(tmpdir(), 'tadt-otb-'));
    fakeSequence(root, 'David', 305, { 'groundtruth_rect.txt': 6 });
    fakeSequence(root, 'Tiger1', 12, { 'groundtruth_rect.txt': 12 });
    fakeSequence(root, 'Jogging', 3, { 'groundtruth_rect.1.txt': 3, 'groundtruth_rect.2.txt': 3 });
    fakeSequence(root, 'Human4', 3, { 'groundtruth_rect.2.txt': 3 });
    fakeSequence(root, 'Board', 4, { 'groundtruth_rect.txt': 5 }, 5);
    const src = openGroundTruth(root);
    expect([...src.names].sort()).to.deep.equal(['Board', 'David', 'Human4-2', 'Jogging-1', 'Jogging-2', 'Tiger1']);
    const david = src.load('David')!;
    expect([david.firstFrame, david.frameCount, david.gt.length]).to.deep.equal([300, 6, 6]);
    const tiger = src.load('tiger1')!;
    expect([tiger.firstFrame, tiger.frameCount, tiger.gt.length, tiger.gt[0]![0]]).to.deep.equal([6, 7, 7, 6]);
    expect(src.load('Board')!.gt).to.have.length(4); // one extra annotation line dropped
    expect(src.load('human4_2')!.gt).to.have.length(3);
  });

  itShared('aligns published results by startFrame, absolute (MEEM David 300) or relative (STRUCK David 1)', () => {
    const david = openGroundTruth(sharedPath('data/otb/otb2015.json')).load('David')!;
    const meem = readPublishedJson(published('MEEM', 'David'), david.firstFrame);
    const struck = readPublishedJson(published('STRUCK', 'David'), david.firstFrame);
    expect([meem.numbering, meem.startFrame, meem.boxes.length]).to.deep.equal(['absolute', 300, 471]);
    expect([struck.numbering, struck.startFrame, struck.boxes.length]).to.deep.equal(['relative', 1, 471]);
    expect(meem.boxes[0]).to.deep.equal(david.gt[0]);
    expect(readPublishedJson(published('STRUCK', 'ClifBar'), 1).boxes).to.have.length(329);
    expect(() => readPublishedJson(published('MEEM', 'David'), 1)).to.throw('starts at frame 300');
  });

  itShared('reads the published results of the 5 shared sequences with the ground-truth length', () => {
    const folder = openGroundTruth(sharedPath('data/otb'));
    for (const tracker of ['MEEM', 'MUSTer', 'STRUCK']) {
      for (const seq of SHARED_SEQS) {
        const r = readPublishedJson(published(tracker, seq), 1);
        expect(r.boxes.length, `${tracker} ${seq}`).to.equal(folder.load(seq)!.gt.length);
        expect(r.boxes.flat().every(Number.isFinite)).to.equal(true);
      }
    }
  });

  it('rejects published files without exactly one OPE entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tadt-pub-'));
    const file = join(dir, 'X.json');
    writeFileSync(file, JSON.stringify([{ evalType: 'TRE', startFrame: 1, endFrame: 1, res: [[1, 2, 3, 4]] }]));
    expect(() => readPublishedJson(file, 1)).to.throw('found 0');
  });
});
