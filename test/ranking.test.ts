import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { sharedPath } from '../src/eval/shared-data.ts';
import {
  rankChannels, rankingChannelScores, rankingLoss, rankingPairs, rankingSizes, RankingScorer, resizeTaps, type ResizeMethod,
} from '../src/kernels/ranking.ts';
import { initialWeights } from '../src/kernels/ridge.ts';
import { padHWC } from '../src/reference/channel-gather.ts';
import { rankingChannelScoresExplicit, rankingSamplesCpu, rankingScoresCpu } from '../src/reference/ranking.ts';
import { defaultConfig } from '../src/tracker/config.ts';
import { expectClose } from './helpers/close.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { seededArray } from './helpers/random.ts';
import { itShared } from './helpers/shared.ts';

const SEQUENCES = ['Couple', 'Crossing', 'DragonBaby', 'Football1', 'Skiing'];
const METHODS: ResizeMethod[] = ['bilinear-align-corners', 'bicubic-antialias'];

interface RankFixture {
  n_samples: number;
  n_pairs_total: number;
  kernel_hw: [number, number];
  f: number[];
  loss: number;
  g: number[];
  K: number;
  n_rank_pos: number;
}

function fixture(seq: string): RankFixture {
  return JSON.parse(readFileSync(sharedPath(`data/reference/tadt-python/${seq}.json`), 'utf8')).rank;
}

function reluMap(F: number, C: number, seed: number): Float32Array {
  return seededArray(F * F * C, seed, -50, 100).map((v) => Math.max(0, v));
}

describe('ranking', () => {
  it('sample sizes and pairs follow spec 3.3 (19x11 template: 25 sizes 21..69)', () => {
    const sizes = rankingSizes(45, 21, 13);
    expect([sizes.length, sizes[0], sizes[24]]).to.deep.equal([25, 21, 69]);
    expect(rankingSizes(45, 13, 13)).to.have.length(33);
    const all = rankingPairs(33, 'all-gaps');
    expect(all).to.have.length(270);
    // P's backward uses the first n-1 pairs of its list: exactly M's gap-1 set.
    expect(all.slice(0, 32)).to.deep.equal(rankingPairs(33, 'gap1'));
    expect(rankingPairs(5, 'gap1')).to.deep.equal([[1, 0], [2, 1], [2, 3], [3, 4]]);
  });

  // The port's scalar math in float64 on its own f values: loss and g to 1e-9 relative. K = sum g
  // cancels ~0.18-sized terms down to ~1e-6, so summation order alone moves it by ~1e-11 relative.
  for (const seq of SEQUENCES) {
    itShared(`${seq}: loss, g, K and the count of kept channels match the port's reference values`, () => {
      const r = fixture(seq);
      const got = rankingLoss(r.f, 'all-gaps');
      expect(got.pairs).to.equal(r.n_pairs_total);
      expectClose([got.loss], [r.loss], 0, 1e-12);
      expectClose(got.g, r.g, 0, 1e-9);
      expectClose([got.K], [r.K], 0, 1e-9);
      // r_c = K sum W[c] with the scorer drawn from mulberry32(1234): checks the generator and the sign rule.
      const [fh, fw] = r.kernel_hw;
      const scores = rankingChannelScores(got.K, initialWeights(512, fh, fw, 1234), 512);
      expect(scores.filter((v) => v > 0).length).to.equal(r.n_rank_pos);
    });
  }

  // The tables are the shared ones of src/reference/interp.ts (tested with the frame resize); here
  // what the ranking relies on: rows sum to 1 (so r_c = K sum W[c]), identity at s = F, and the
  // sampling positions (linear ramps are reproduced away from the borders when enlarging).
  it('resize weights: sum to 1, identity at the same size, positions of the two mappings', () => {
    for (const method of METHODS) {
      for (const [n, s] of [[45, 13], [45, 45], [45, 77], [7, 3]]) {
        const t = resizeTaps(n, s, method);
        for (let o = 0; o < s; o++) {
          expect(t.weights.subarray(o * t.K, (o + 1) * t.K).reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-6);
          expect(t.base[o] >= 0 && t.base[o] + t.K <= n).to.equal(true);
        }
      }
      const id = resizeTaps(45, 45, method);
      for (let o = 0; o < 45; o++) {
        const k = Array.from(id.weights.subarray(o * id.K, (o + 1) * id.K)).findIndex((w) => w > 0.999999);
        expect(id.base[o] + k).to.equal(o);
      }
      const up = resizeTaps(45, 77, method);
      const src = method === 'bilinear-align-corners' ? (o: number) => (o * 44) / 76 : (o: number) => (o + 0.5) * (45 / 77) - 0.5;
      for (let o = 8; o < 69; o++) {
        const mean = Array.from(up.weights.subarray(o * up.K, (o + 1) * up.K)).reduce((a, w, k) => a + w * (up.base[o] + k), 0);
        expect(mean).to.be.closeTo(src(o), 1e-5);
      }
    }
  });

  // f_j: per-lane f32 sums of <= 16 x fw x taps products, then float64; error ~1e-7 of max|f|
  // measured, checked to 1e-5. The explicit back-propagation is float64: 1e-9 of max|r|.
  for (const [F, C, fh, fw] of [[15, 12, 5, 3], [45, 512, 21, 13], [45, 512, 13, 13]]) {
    for (const method of METHODS) {
      if (F === 45 && fh === 13 && method === 'bilinear-align-corners') continue;
      it(`scorer f_j on the GPU matches the CPU reference: ${F}x${F}x${C}, kernel ${fh}x${fw}, ${method}`, async () => {
        const engine = await gpuEngine();
        const x = reluMap(F, C, F + fh);
        const map = { tensor: engine.upload([F + 2, F + 2, C], 'rank x', 'f32', padHWC(x, F, F, C, 1)), height: F, width: F, channels: C, pad: 1 };
        const weights = initialWeights(C, fh, fw, 1234);
        const scorer = await RankingScorer.create(engine, map, { kernel: [fh, fw], resize: method, weights });
        const f = await scorer.scores();
        const want = rankingScoresCpu(rankingSamplesCpu(x, F, F, C, fh, fw, scorer.sizes, method), weights, C, fh, fw);
        const fmax = Math.max(...want.map(Math.abs));
        expectClose(f, want, 1e-5 * fmax, 0);
        const { g, K } = rankingLoss(want, 'gap1');
        const explicit = rankingChannelScoresExplicit(F, F, C, fh, fw, scorer.sizes, method, weights, g);
        const closed = rankingChannelScores(K, weights, C);
        expectClose(explicit, closed, 1e-9 * Math.max(...closed.map(Math.abs)), 0);
        scorer.release();
        map.tensor.release();
      });
    }
  }

  it('rankChannels keeps the channels whose kernel sum has the sign of K', async () => {
    const engine = await gpuEngine();
    const [F, C] = [45, 512];
    const x = reluMap(F, C, 7);
    const map = { tensor: engine.upload([F + 2, F + 2, C], 'rank x', 'f32', padHWC(x, F, F, C, 1)), height: F, width: F, channels: C, pad: 1 };
    for (const profile of ['official', 'pytorch-port'] as const) {
      const r = await rankChannels(engine, map, { kernel: [13, 13], config: defaultConfig(profile).ranking });
      expect(r.skipped).to.equal(false);
      const w = initialWeights(C, 13, 13, 1234);
      const want = rankingChannelScores(r.K, w, C);
      expect(Array.from(r.mask)).to.deep.equal(Array.from(want, (v) => (v > 0 ? 1 : 0)));
      expect(r.f).to.have.length(33);
    }
    map.tensor.release();
  });

  it('too few samples: the branch is skipped with a warning and keeps every channel', async () => {
    const engine = await gpuEngine();
    const [F, C] = [9, 8];
    const map = { tensor: engine.upload([F + 2, F + 2, C], 'rank x', 'f32', padHWC(reluMap(F, C, 1), F, F, C, 1)), height: F, width: F, channels: C, pad: 1 };
    // kernel 7x5 on a 9-cell map: b = 3, 3 samples: M's two gap-1 pairs work, P's pair list is empty.
    const official = await rankChannels(engine, map, { kernel: [7, 5], config: defaultConfig('official').ranking });
    expect([official.skipped, official.f.length]).to.deep.equal([false, 3]);
    const port = await rankChannels(engine, map, { kernel: [7, 5], config: defaultConfig('pytorch-port').ranking });
    expect(port.skipped).to.equal(true);
    expect(port.warning).to.match(/3 samples/);
    expect(Array.from(port.mask)).to.deep.equal(new Array(C).fill(1));
    // kernel 9x9: one sample, no pairs for either.
    const one = await rankChannels(engine, map, { kernel: [9, 9], config: defaultConfig('official').ranking });
    expect([one.skipped, one.sizes.length]).to.deep.equal([true, 1]);
    map.tensor.release();
  });
});
