import { expect } from 'chai';
import { join, relative } from 'node:path';
import { SequenceError } from '../src/io/errors.ts';
import { detectDataset, openDataset } from '../src/io/datasets/index.ts';
import { readGot10kLabels } from '../src/io/datasets/got10k.ts';
import { readLasotVisibility } from '../src/io/datasets/lasot.ts';
import { openSequence } from '../src/io/sequence.ts';
import { tempDir } from './helpers/temp.ts';
import { sharedPath } from '../src/eval/shared-data.ts';
import { frameFiles, writeTree } from './helpers/tree.ts';
import { itShared } from './helpers/shared.ts';

const boxes = (n: number) => Array.from({ length: n }, (_, i) => `${10 + i},20,30,40\n`).join('');
const opened = (root: string) => openDataset(root).entries.map((e) => openSequence(e.dir, e.open));

describe('io/datasets: GOT-10k', () => {
  const sequence = (name: string, n: number, gtLines = n) => ({
    ...frameFiles(name, n, 8),
    [`${name}/groundtruth.txt`]: boxes(gtLines),
  });

  it('reads a val split: list.txt order, 8-digit frames, labels and resolution', () => {
    const root = writeTree(join(tempDir(), 'val'), {
      'list.txt': 'GOT-10k_Val_000002\nGOT-10k_Val_000001\n',
      ...sequence('GOT-10k_Val_000001', 5),
      ...sequence('GOT-10k_Val_000002', 3),
      'GOT-10k_Val_000001/cover.label': '8\n8\n0\n3\n8\n',
      'GOT-10k_Val_000001/absence.label': '0\n0\n1\n0\n0\n',
      'GOT-10k_Val_000001/meta_info.ini': '[METAINFO]\nurl: x\nresolution: (1280, 720)\n',
    });
    expect(detectDataset(root)).to.equal('got10k');
    const seqs = opened(root);
    expect(seqs.map((s) => [s.name, s.frames.length, s.groundTruth?.length])).to.deep.equal([
      ['GOT-10k_Val_000002', 3, 3],
      ['GOT-10k_Val_000001', 5, 5],
    ]);
    expect(seqs[1].frames[4]).to.match(/GOT-10k_Val_000001\/00000005\.jpg$/);
    expect(readGot10kLabels(join(root, 'GOT-10k_Val_000001'), 5)).to.deep.equal({
      visible: [true, true, false, true, true],
      resolution: [1280, 720],
    });
    expect(() => readGot10kLabels(join(root, 'GOT-10k_Val_000001'), 6)).to.throw(SequenceError, /cover\.label: 5 labels for 6/);
    expect(() => readGot10kLabels(join(root, 'GOT-10k_Val_000002'), 3)).to.throw(SequenceError, /neither cover\.label nor absence\.label/);
  });

  it('tracks a test-split sequence from its only box, with nothing to score', () => {
    const root = writeTree(join(tempDir(), 'test'), { 'list.txt': 'GOT-10k_Test_000001\n', ...sequence('GOT-10k_Test_000001', 6, 1) });
    const [s] = opened(root);
    expect([s.frames.length, s.groundTruth, s.initBox]).to.deep.equal([6, null, [9, 19, 30, 40]]);
    expect(s.notes.join()).to.contain('first box only');
  });

  it('needs an init box to start a test-split sequence past its first frame', () => {
    const root = writeTree(join(tempDir(), 'test'), { 'list.txt': 'GOT-10k_Test_000001\n', ...sequence('GOT-10k_Test_000001', 6, 1) });
    const [e] = openDataset(root).entries;
    expect(() => openSequence(e.dir, { ...e.open, start: 3 })).to.throw(SequenceError, /only frame 1 is annotated, so start 3 needs an init box/);
    expect(openSequence(e.dir, { ...e.open, start: 3, box: [5, 5, 10, 10] }).frames).to.have.length(4);
  });

  it('asks for a split when given the dataset root, and names a bad list line', () => {
    const root = writeTree(tempDir(), { 'val/list.txt': 'GOT-10k_Val_000001\n', ...sequence('val/GOT-10k_Val_000001', 2) });
    expect(detectDataset(root)).to.equal('got10k');
    expect(() => openDataset(root)).to.throw(SequenceError, /give one split, e\.g\. .*\/val/);
    writeTree(root, { 'val/list.txt': 'GOT-10k_Val_000001\n\nGOT-10k_Val_000009\n' });
    expect(() => openDataset(join(root, 'val'))).to.throw(SequenceError, /list\.txt:3: no sequence folder .*GOT-10k_Val_000009/);
  });
});

describe('io/datasets: LaSOT', () => {
  const sequence = (path: string, n: number, occ: string, oov: string) => ({
    ...frameFiles(`${path}/img`, n, 8),
    [`${path}/groundtruth.txt`]: boxes(n),
    [`${path}/full_occlusion.txt`]: occ,
    [`${path}/out_of_view.txt`]: oov,
  });

  it('reads <class>/<class>-<n> and flat <class>-<n> folders with visibility', () => {
    const root = writeTree(tempDir(), {
      ...sequence('airplane/airplane-10', 3, '0,0,0', '0,0,0'),
      ...sequence('airplane/airplane-2', 4, '0,1,0,0', '0,0,0,1'),
      ...sequence('bird-1', 2, '0,0', '0,0'),
    });
    expect(detectDataset(root)).to.equal('lasot');
    const seqs = opened(root);
    expect(seqs.map((s) => [s.name, s.frames.length])).to.deep.equal([['airplane-2', 4], ['airplane-10', 3], ['bird-1', 2]]);
    expect(readLasotVisibility(seqs[0].dir, 4)).to.deep.equal([true, false, true, false]);
    expect(() => readLasotVisibility(seqs[0].dir, 5)).to.throw(SequenceError, /full_occlusion\.txt: 4 values for 5/);
  });

  it('keeps to testing_set.txt when the root has one', () => {
    const root = writeTree(tempDir(), {
      ...sequence('cat/cat-1', 2, '0,0', '0,0'),
      ...sequence('cat/cat-3', 2, '0,0', '0,0'),
      'testing_set.txt': 'cat-3\n',
    });
    expect(openDataset(root).entries.map((e) => e.name)).to.deep.equal(['cat-3']);
    writeTree(root, { 'testing_set.txt': 'cat-3\ncat-7\n' });
    expect(() => openDataset(root)).to.throw(SequenceError, /testing_set\.txt:2: no sequence folder .*cat-7/);
  });
});

describe('io/datasets: UAV123', () => {
  it('reads whole folders and the split sequences as frame ranges of one folder', () => {
    const root = writeTree(tempDir(), {
      ...frameFiles('data_seq/UAV123/uav2', 4, 6),
      'anno/UAV123/uav2.txt': '1,2,3,4\nNaN,NaN,NaN,NaN\n5,6,7,8\n9,10,11,12\n',
      // truck4_1 is frames 1..577 and truck4_2 frames 577..1261 of truck4/ (uav123-ranges.ts).
      ...frameFiles('data_seq/UAV123/truck4', 1261, 6),
      'anno/UAV123/truck4_1.txt': boxes(577),
      'anno/UAV123/truck4_2.txt': boxes(685),
    });
    expect(detectDataset(root)).to.equal('uav123');
    const [truck1, truck2, uav2] = opened(root);
    expect([truck1.name, truck1.frames.length, truck1.frames[576]]).to.deep.equal(['truck4_1', 577, join(root, 'data_seq/UAV123/truck4/000577.jpg')]);
    expect([truck2.name, truck2.frames.length, truck2.firstFrame, truck2.notes]).to.deep.equal(['truck4_2', 685, 577, []]);
    expect(truck2.frames[0]).to.match(/truck4\/000577\.jpg$/);
    expect(truck2.frames[684]).to.match(/truck4\/001261\.jpg$/);
    expect(uav2.groundTruth).to.deep.equal([[0, 1, 3, 4], null, [4, 5, 7, 8], [8, 9, 11, 12]]);
  });

  it('names a range that runs past the folder', () => {
    const root = writeTree(tempDir(), { ...frameFiles('data_seq/UAV123/truck4', 600, 6), 'anno/UAV123/truck4_2.txt': boxes(685) });
    const [e] = openDataset(root).entries;
    expect(() => openSequence(e.dir, e.open)).to.throw(SequenceError, /gtLastFrame = 1261 must be a whole frame number in 1\.\.600/);
  });

  it('names an annotation file that has no folder and no known range', () => {
    const root = writeTree(tempDir(), { ...frameFiles('data_seq/UAV123/bike1', 2, 6), 'anno/UAV123/bike9_2.txt': boxes(2) });
    expect(() => openDataset(root)).to.throw(SequenceError, /bike9_2\.txt: no frame folder .* not one of UAV123's split sequences/);
  });
});

describe('io/datasets: VOT', () => {
  it('reads list.txt, color/ and legacy folders, and keeps the polygons', () => {
    const root = writeTree(tempDir(), {
      'list.txt': 'ball\nbag\n',
      ...frameFiles('bag/color', 2, 8),
      'bag/groundtruth.txt': '10,20,30,25,28,50,8,45\n1,2,3,4,5,6,7,8\n',
      ...frameFiles('ball', 2, 8),
      'ball/groundtruth.txt': '1,2,3,4\n5,6,7,8\n',
    });
    expect(detectDataset(root)).to.equal('vot');
    const [ball, bag] = opened(root);
    expect([ball.name, ball.frames[0]]).to.deep.equal(['ball', join(root, 'ball/00000001.jpg')]);
    expect([bag.name, bag.frames[0], bag.initBox]).to.deep.equal(['bag', join(root, 'bag/color/00000001.jpg'), [7, 19, 22, 30]]);
    expect(bag.regions![0]).to.deep.equal([10, 20, 30, 25, 28, 50, 8, 45]);
  });

  it('opens sequences of a root given as a relative path', () => {
    const root = writeTree(tempDir(), { 'list.txt': 'bag\n', ...frameFiles('bag/color', 2, 8), 'bag/groundtruth.txt': '1,2,3,4\n5,6,7,8\n' });
    const dataset = openDataset(relative(process.cwd(), root));
    expect(dataset.root).to.equal(root);
    const [e] = dataset.entries;
    expect(openSequence(e.dir, e.open).initBox).to.deep.equal([0, 1, 3, 4]);
  });

  itShared('tells the shared VOT and OTB roots apart, and refuses a folder that is neither', () => {
    expect(detectDataset(sharedPath('data', 'vot'))).to.equal('vot');
    expect(openDataset(sharedPath('data', 'vot')).entries.map((e) => e.name)).to.deep.equal(['bag']);
    expect(detectDataset(sharedPath('data', 'otb'))).to.equal('otb');
    expect(() => detectDataset(tempDir())).to.throw(SequenceError, /not a dataset root/);
  });
});
