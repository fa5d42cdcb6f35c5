import { grid1d } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import { makeOp, type Op } from '../runtime/op.ts';
import type { Tensor } from '../runtime/tensor.ts';
import type { TadtConfig } from '../tracker/config.ts';
import { bilinearTaps, matlabTaps, type TapWindow } from './interp.ts';
import { describe, featureElements, type FeatureMap } from './layout.ts';
import { initialWeights, toTapsFirst } from './ridge.ts';

/**
 * The ranking ("scale-sensitive") branch of spec 3.3, conv4_1 only: n resized samples of the
 * first-frame map, an untrained 512 -> 1 scorer giving one scalar f_j per sample (GPU), then the
 * ranking loss, its hand-written gradient g_j and the channel scores in float64 on the CPU.
 */
export type RankingConfig = TadtConfig['ranking'];
export type ResizeMethod = RankingConfig['resize'];

/** Square sizes 2b+1, 2b+3, ..., 2F-1-2b with b = max(floor(fh/2), floor(fw/2)): n = F - 2b samples. */
export function rankingSizes(side: number, fh: number, fw: number): number[] {
  const b = Math.max(Math.floor(fh / 2), Math.floor(fw / 2));
  const sizes: number[] = [];
  for (let s = 2 * b + 1; s <= 2 * side - 1 - 2 * b; s += 2) sizes.push(s);
  return sizes;
}

/**
 * 1-D resize weights (src/kernels/interp.ts), built in float64:
 * - bilinear-align-corners: PyTorch interpolate(align_corners=True), source = o (in-1)/(out-1);
 * - bicubic-antialias: Matlab imresize(A, [s s]) (Keys a = -0.5, half-pixel mapping, kernel widened
 *   by 1/scale when shrinking, weights normalised to sum 1, mirrored borders).
 */
export function resizeTaps(inLen: number, outLen: number, method: ResizeMethod): TapWindow {
  return method === 'bicubic-antialias' ? matlabTaps(inLen, outLen, outLen / inLen, 'cubic', true) : bilinearTaps(inLen, outLen, true);
}

/** Taps of the centred crop: outputs floor((s-1)/2) +- floor(k/2) of the s-long resize. */
export function cropTaps(inLen: number, s: number, k: number, method: ResizeMethod): TapWindow {
  const t = resizeTaps(inLen, s, method);
  const start = Math.floor((s - 1) / 2) - Math.floor(k / 2);
  return { K: t.K, base: t.base.slice(start, start + k), weights: t.weights.slice(start * t.K, (start + k) * t.K) };
}

/**
 * Adjacent-size pairs [a, b], a the sample nearer the original scale (index m = (n-1)/2).
 * gap1: (j, j-1) for j = 1..m, then (j, j+1) for j = m..n-2 (M, and the first n-1 of P's list).
 * all-gaps: P's generate_pair_label, gaps 1..m-1 in its order: 270 pairs for n = 33.
 */
export function rankingPairs(n: number, set: RankingConfig['pairs']): [number, number][] {
  const m = (n - 1) / 2;
  const pairs: [number, number][] = [];
  const maxGap = set === 'gap1' ? 1 : m - 1;
  for (let gap = 1; gap <= maxGap; gap++) {
    for (let a = gap; a <= m; a++) pairs.push([a, a - gap]);
    for (let a = m; a <= n - 1 - gap; a++) pairs.push([a, a + gap]);
  }
  return pairs;
}

/** Sample count below which the pair set of the loss is empty: the references crash or give NaN. */
export function minRankingSamples(set: RankingConfig['pairs']): number {
  return set === 'gap1' ? 3 : 5;
}

/**
 * Loss and hand-written gradient in float64. `gap1` is M's loss, log(1 + sum exp(f_a - f_b)) over
 * the gap-1 pairs; `all-gaps` is P's, log(1 + sum exp(f_b - f_a)) over all its pairs. Both use the
 * gap-1 pairs for g_j = -(1/L) sum_pairs([j=a] e^{-f_a} - [j=b] e^{f_b}). K = sum_j g_j.
 */
export function rankingLoss(f: ArrayLike<number>, set: RankingConfig['pairs']) {
  const n = f.length;
  let sum = 0;
  for (const [a, b] of rankingPairs(n, set)) sum += set === 'gap1' ? Math.exp(f[a] - f[b]) : Math.exp(f[b] - f[a]);
  const loss = Math.log(1 + sum);
  const acc = new Float64Array(n);
  for (const [a, b] of rankingPairs(n, 'gap1')) {
    acc[a] += Math.exp(-f[a]);
    acc[b] -= Math.exp(f[b]);
  }
  const g = acc.map((v) => (-1 / loss) * v);
  let K = 0;
  for (const v of g) K += v;
  return { loss, g, K, pairs: rankingPairs(n, set).length };
}

/**
 * r_c = K sum_{kh,kw} W[c]: the scorer is linear and resize weights sum to 1, so back-propagating
 * g through the resizes and summing over space gives exactly this (spec 3.3; the explicit route is
 * the CPU reference, which the ranking test compares with this). weights: [C][fh][fw].
 */
export function rankingChannelScores(K: number, weights: ArrayLike<number>, channels: number): Float64Array {
  const taps = weights.length / channels;
  const r = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    let s = 0;
    for (let t = 0; t < taps; t++) s += weights[c * taps + t];
    r[c] = K * s;
  }
  return r;
}

/** Flattened tap tables, zero weights dropped: info[e] = (first tap, count); taps = (input index, f32 bits of weight). */
function tapTables(windows: TapWindow[]): { info: Uint32Array; taps: Uint32Array } {
  const info: number[] = [];
  const taps: number[] = [];
  for (const w of windows) {
    const asBits = new Uint32Array(w.weights.buffer, w.weights.byteOffset, w.weights.length);
    w.base.forEach((base, o) => {
      info.push(taps.length / 2, 0);
      for (let k = 0; k < w.K; k++) {
        if (w.weights[o * w.K + k] === 0) continue;
        taps.push(base + k, asBits[o * w.K + k]);
        info[info.length - 1]++;
      }
    });
  }
  return { info: Uint32Array.from(info), taps: Uint32Array.from(taps.length ? taps : [0, 0]) };
}

/**
 * The GPU part: samples and scorer, two dispatches; `scores()` runs them and reads back n x fh x 8
 * partial sums (a few KB), added in float64.
 */
export class RankingScorer {
  private constructor(
    private readonly engine: Engine,
    readonly sizes: number[],
    readonly kernel: [number, number],
    /** Resample and score dispatches, with the tables and weights they own. */
    readonly op: Op,
    private readonly partial: Tensor<'f32'>,
  ) {}

  /** weights: [C][fh][fw], default initialWeights(C, fh, fw, seed = 1234). */
  static async create(
    engine: Engine,
    x: FeatureMap,
    options: { kernel: readonly [number, number]; resize: ResizeMethod; weights?: Float32Array; seed?: number },
  ): Promise<RankingScorer> {
    const [fh, fw] = options.kernel;
    const { height: H, width: W, channels: C } = x;
    if (H !== W || H % 2 === 0) throw new RangeError(`ranking: needs a square map of odd side, got ${describe(x)}`);
    if (C % 4 !== 0) throw new RangeError(`ranking: channels ${C} not a multiple of 4`);
    if (x.tensor.size < featureElements(x)) throw new RangeError(`ranking: tensor smaller than ${describe(x)}`);
    const sizes = rankingSizes(H, fh, fw);
    if (sizes.length === 0) throw new RangeError(`ranking: kernel ${fh}x${fw} leaves no sample size for side ${H}`);
    const weights = options.weights ?? initialWeights(C, fh, fw, options.seed ?? 1234);
    if (weights.length !== C * fh * fw) throw new RangeError(`ranking: ${weights.length} weights for ${C}x${fh}x${fw}`);
    const n = sizes.length;
    const c4 = C / 4;
    const cols = sizes.map((s) => cropTaps(W, s, fw, options.resize));
    const rows = sizes.map((s) => cropTaps(H, s, fh, options.resize));
    const { info, taps } = tapTables([...cols, ...rows]);
    const infoT = engine.upload([info.length], 'ranking tap info', 'u32', info);
    const tapsT = engine.upload([taps.length], 'ranking taps', 'u32', taps);
    const wT = engine.upload([fh, fw, C], 'ranking scorer weights', 'f32', toTapsFirst(weights, C, fh, fw));
    const t = engine.tensor([n, H, fw, C], 'ranking column-resampled samples');
    const partial = engine.tensor([n * fh * 8], 'ranking score partials');
    const count = n * H * fw * c4;
    const shapes = `${describe(x)} -> ${n} samples ${fh}x${fw}`;
    const resample = await engine.prepare({
      op: 'ranking-resample',
      shader: 'ranking',
      buffers: { map: x.tensor, info: infoT, taps: tapsT, t },
      params: { height: H, width: W, pad: x.pad, c4, fw, count, infoBase: 0 },
      workgroups: grid1d(count, 64),
      shapes,
    });
    const score = await engine.prepare({
      op: 'ranking-score',
      shader: 'ranking-score',
      buffers: { t, w: wT, info: infoT, taps: tapsT, partial },
      params: { height: H, c4, fh, fw, samples: n, infoBase: n * fw },
      workgroups: grid1d(n * fh, 1),
      shapes,
    });
    const op = makeOp(engine, 'ranking', { steps: [resample, score], owned: [infoT, tapsT, wT, t, partial] });
    return new RankingScorer(engine, sizes, [fh, fw], op, partial);
  }

  /** f_j for every sample (one submission, one readback). */
  async scores(): Promise<Float64Array> {
    await this.engine.run([...this.op.steps], { label: 'ranking' });
    const p = await this.partial.read();
    const per = this.kernel[0] * 8;
    const f = new Float64Array(this.sizes.length);
    for (let j = 0; j < f.length; j++) {
      for (let k = 0; k < per; k++) f[j] += p[j * per + k];
    }
    return f;
  }

  release(): void {
    this.op.release();
  }
}

export interface RankingResult {
  sizes: number[];
  f: Float64Array;
  loss: number;
  g: Float64Array;
  K: number;
  /** r_c = K sum W[c]. */
  scores: Float64Array;
  /** 1 where r_c > 0: the channels the ranking branch keeps. */
  mask: Uint8Array;
  /** The branch was skipped (too few samples for any pair): mask is all ones. */
  skipped: boolean;
  warning?: string;
}

/**
 * The whole ranking branch for conv4_1. With fewer than minRankingSamples samples (templates about
 * as large as the map, spec 9) the references crash (P: no pairs) or give NaN scores (M, n = 1):
 * here the branch is skipped, every channel passes, and `warning` says why.
 */
export async function rankChannels(
  engine: Engine,
  x: FeatureMap,
  options: { kernel: readonly [number, number]; config: RankingConfig; weights?: Float32Array },
): Promise<RankingResult> {
  const [fh, fw] = options.kernel;
  const C = x.channels;
  const sizes = rankingSizes(x.height, fh, fw);
  const need = minRankingSamples(options.config.pairs);
  if (sizes.length < need) {
    return {
      sizes,
      f: new Float64Array(0),
      loss: NaN,
      g: new Float64Array(0),
      K: NaN,
      scores: new Float64Array(C),
      mask: new Uint8Array(C).fill(1),
      skipped: true,
      warning: `ranking skipped: kernel ${fh}x${fw} on a ${x.height}-cell map gives ${sizes.length} samples, ` +
        `${options.config.pairs} pairs need ${need}; all channels pass the ranking test`,
    };
  }
  const weights = options.weights ?? initialWeights(C, fh, fw, options.config.seed);
  const scorer = await RankingScorer.create(engine, x, { kernel: [fh, fw], resize: options.config.resize, weights });
  try {
    const f = await scorer.scores();
    const { loss, g, K } = rankingLoss(f, options.config.pairs);
    const scores = rankingChannelScores(K, weights, C);
    return { sizes, f, loss, g, K, scores, mask: Uint8Array.from(scores, (r) => (r > 0 ? 1 : 0)), skipped: false };
  } finally {
    scorer.release();
  }
}
