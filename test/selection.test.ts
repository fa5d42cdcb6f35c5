import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { sharedPath } from '../src/eval/shared-data.ts';
import { rankingChannelScores, rankingLoss } from '../src/kernels/ranking.ts';
import { initialWeights } from '../src/kernels/ridge.ts';
import { defaultConfig, paperConfig } from '../src/tracker/config.ts';
import { ridgeRanking, selectChannels, type SelectionInput, selectionOptions } from '../src/tracker/selection.ts';
import { itShared } from './helpers/shared.ts';

const SEQUENCES = ['Couple', 'Crossing', 'DragonBaby', 'Football1', 'Skiing'];
const C = 512;

/**
 * A full v from the fixture's top-k ranks and values plus its positive count. Channels outside the
 * top k are unknown: they get values below the top k (positive ones first, up to the known count),
 * which fixes everything the selection can see (ranks >= 80 / 300 are cut, and the fill-up rule
 * only reaches ranks < n43 + 250 - total).
 */
function fullV(top: number[], values: number[], positives: number): Float64Array {
  const v = new Float64Array(C);
  top.forEach((c, p) => (v[c] = values[p]));
  const rest = Array.from({ length: C }, (_, c) => c).filter((c) => !top.includes(c));
  const lowest = values[values.length - 1];
  let more = positives - values.filter((x) => x > 0).length;
  rest.forEach((c, k) => (v[c] = more-- > 0 ? lowest * (1 - (k + 1) / (2 * rest.length)) : Math.min(lowest, 0) - 1 - k));
  return v;
}

function fixtureInput(seq: string): { input: SelectionInput; ref: Record<string, any> } {
  const ref = JSON.parse(readFileSync(sharedPath(`data/reference/tadt-python/${seq}.json`), 'utf8'));
  const [fh, fw] = ref.rank.kernel_hw;
  const { K } = rankingLoss(ref.rank.f, 'all-gaps');
  const rank = rankingChannelScores(K, initialWeights(C, fh, fw, 1234), C);
  return {
    ref,
    input: {
      v41: fullV(ref.ridge_rank_conv4_1_top80, ref.ridge_v_sorted_conv4_1_top80, ref.ridge_n_pos[0]),
      v43: fullV(ref.ridge_rank_conv4_3_top300, ref.ridge_v_sorted_conv4_3_top300, ref.ridge_n_pos[1]),
      rankMask41: Uint8Array.from(rank, (r) => (r > 0 ? 1 : 0)),
    },
  };
}

describe('selection', () => {
  // What the fixtures pin: the rank mask (from the port's f via K and the seeded scorer), the
  // ridge top-80/top-300 order and values, and the positive counts. None of the five needs the
  // fill-up rule (the closest, DragonBaby, has 34 + 220 = 254), so that rule is tested synthetically.
  for (const seq of SEQUENCES) {
    itShared(`${seq}: reproduces the port's selected conv4_1 and conv4_3 channels`, () => {
      const { input, ref } = fixtureInput(seq);
      const s = selectChannels(input, defaultConfig('pytorch-port').selection);
      expect(Array.from(s.ridgeRank41.subarray(0, 80))).to.deep.equal(ref.ridge_rank_conv4_1_top80);
      expect(s.conv41).to.deep.equal(ref.selected_conv4_1);
      expect(s.conv43).to.deep.equal(ref.selected_conv4_3);
      expect([s.conv41.length, s.conv43.length]).to.deep.equal(ref.n_selected);
      expect(s.filled).to.equal(0);
      expect(s.balance43).to.deep.equal(ref.ridge_rank_conv4_3_top300.slice(0, 49));
    });
  }

  it('fills conv4_3 up to 250 channels from ridge-rank positions n43, n43+1, ...', () => {
    const v43 = Float64Array.from({ length: C }, (_, c) => (c % 5 === 0 ? 1 + c : -1 - c));
    const v41 = Float64Array.from({ length: C }, (_, c) => (c < 60 ? 100 - c : -1));
    const rankMask41 = Uint8Array.from({ length: C }, (_, c) => c % 2);
    const s = selectChannels({ v41, v43, rankMask41 }, defaultConfig('official').selection);
    expect(s.conv41).to.have.length(30);
    const rank43 = ridgeRanking(v43);
    expect(s.conv43).to.deep.equal(Array.from(rank43.subarray(0, 220)).sort((a, b) => a - b));
    expect(s.filled).to.equal(220 - 103);
    expect(s.balance41).to.have.length(50);
  });

  itShared('paper option (top 250 from conv4_3), regress-only, random and explicit modes', () => {
    const { input } = fixtureInput('Couple');
    const official = defaultConfig('official').selection;
    expect(selectChannels(input, paperConfig('official').selection).conv43).to.have.length(250);
    expect(selectChannels(input, selectionOptions(official, { mode: 'regress-only' })).conv41).to.have.length(80);
    expect(selectionOptions(official)).to.deep.equal({ ...official, mode: 'tadt' });
    const tadt = selectChannels(input, official);
    const r1 = selectChannels(input, { ...official, mode: 'random', seed: 7 });
    expect([r1.conv41.length, r1.conv43.length]).to.deep.equal([tadt.conv41.length, tadt.conv43.length]);
    expect(new Set(r1.conv43).size).to.equal(r1.conv43.length);
    expect(r1.conv43.every((c, i) => c >= 0 && c < C && (i === 0 || r1.conv43[i - 1] < c))).to.equal(true);
    expect(selectChannels(input, { ...official, mode: 'random', seed: 7 })).to.deep.equal(r1);
    expect(selectChannels(input, { ...official, mode: 'random', seed: 8 }).conv43).to.not.deep.equal(r1.conv43);
    const explicit = selectChannels(input, selectionOptions(official, { mode: 'explicit', conv41: [9, 3], conv43: [500, 0] }));
    expect([explicit.conv41, explicit.conv43]).to.deep.equal([[3, 9], [0, 500]]);
    expect(() => selectChannels(input, { ...official, mode: 'explicit', explicit: { conv41: [512], conv43: [] } })).to.throw(/not in 0..511/);
    expect(() => selectChannels(input, { ...official, mode: 'explicit', explicit: { conv41: [1, 1], conv43: [] } })).to.throw(/twice/);
  });

  it('ranks by descending v, ties in index order', () => {
    expect(Array.from(ridgeRanking([0.5, 2, 0.5, -1, 2]))).to.deep.equal([1, 4, 0, 2, 3]);
  });
});
