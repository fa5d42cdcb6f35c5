import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { Box } from '../src/io/box.ts';
import {
  fromRescaledState,
  rescaleFactor,
  searchWindowSize,
  stateFromBox,
  templateSide,
  toRescaledBox,
  updateState,
} from '../src/tracker/geometry.ts';
import { sharedPath } from '../src/eval/shared-data.ts';
import { itShared } from './helpers/shared.ts';

interface RefFrame {
  frame: number;
  box0: number[];
  peak_xy0?: [number, number];
  scale_ind?: number;
  window_before?: number;
  window_after?: number;
}

const SEQUENCES = ['Skiing', 'Couple', 'Crossing', 'DragonBaby', 'Football1'];
const SCALES = [45 / 47, 1, 45 / 43];

describe('tracker geometry', () => {
  it('aligns the search window to 4*(2k+1), moving up', () => {
    expect(searchWindowSize(59, 3, 1000, 1000)).to.equal(180);
    expect(searchWindowSize(60, 3, 1000, 1000)).to.equal(188);
    expect(searchWindowSize(59, 3, 150, 400)).to.equal(156);
    expect(templateSide(46, 45, 180)).to.equal(11);
    expect(templateSide(75, 45, 180)).to.equal(19);
  });

  for (const seq of SEQUENCES) {
    itShared(`replays the PyTorch port's peaks on ${seq} to its boxes`, () => {
      const ref = JSON.parse(readFileSync(sharedPath('data', 'reference', 'tadt-python', `${seq}.json`), 'utf8'));
      const frames: RefFrame[] = ref.frames;
      const box = frames[0].box0 as Box;
      const s = rescaleFactor(box, 44, 59);
      expect(s).to.be.closeTo(ref.re_scale, 1e-12);
      // The port reads the 1-based file row as it is (its frame-1 box0), so our 0-based box is one less;
      // from frame 2 on its box0 rows are 0-based original-image boxes, like ours.
      let state = stateFromBox(toRescaledBox([box[0] - 1, box[1] - 1, box[2], box[3]], s), ref.sz);
      for (const f of frames.slice(1)) {
        expect(state.window, `frame ${f.frame} window`).to.equal(f.window_before);
        const [px, py] = f.peak_xy0!;
        state = updateState(state, px + 1, py + 1, SCALES[f.scale_ind!]);
        const out = fromRescaledState(state, s);
        for (let i = 0; i < 4; i++) expect(out[i], `frame ${f.frame} box[${i}]`).to.be.closeTo(f.box0[i], 1e-6);
        expect(state.window, `frame ${f.frame} window after`).to.equal(f.window_after);
      }
    });
  }
});
