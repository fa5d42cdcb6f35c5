import { mulberry32 } from '../util/random.ts';
import type { TadtConfig } from './config.ts';

/**
 * Channel selection of spec 3.4 (pure CPU): which conv4_1 and conv4_3 channels make up the
 * target-aware feature, from the ridge importance v of each layer and the ranking mask of conv4_1.
 */
export type SelectionMode = 'tadt' | 'regress-only' | 'random' | 'explicit';

export interface SelectionOptions extends Readonly<TadtConfig['selection']> {
  /**
   * tadt: both references. regress-only: ignore the ranking mask. random: as many channels per
   * layer as tadt picks, drawn at random (seeded; an ablation baseline). explicit: `explicit`'s lists.
   */
  mode?: SelectionMode;
  explicit?: { conv41: readonly number[]; conv43: readonly number[] };
  seed?: number;
}

/**
 * A selection forced from outside (CLI --select FILE / --selection MODE). `balance` replaces the
 * computed conv4_1 factor B43/B41; the tracker applies it, selectChannels ignores it.
 */
export type SelectionOverride =
  | { mode: 'explicit'; conv41: number[]; conv43: number[]; balance?: number }
  | { mode: 'regress-only' | 'random'; seed?: number };

/** Config counts plus an optional override, as selectChannels takes them. */
export function selectionOptions(config: TadtConfig['selection'], override?: SelectionOverride): SelectionOptions {
  if (!override) return { ...config, mode: 'tadt' };
  if (override.mode === 'explicit') return { ...config, mode: 'explicit', explicit: { conv41: override.conv41, conv43: override.conv43 } };
  return { ...config, mode: override.mode, seed: override.seed };
}

export interface SelectionInput {
  /** Ridge channel importance per layer (v_c = sum of the trained kernel of channel c). */
  v41: ArrayLike<number>;
  v43: ArrayLike<number>;
  /** Ranking branch result for conv4_1, nonzero = keep; absent = keep all. */
  rankMask41?: ArrayLike<number>;
}

export interface Selection {
  /** Selected channel indices, ascending. The gather puts conv4_3's first (spec 3.4). */
  conv41: number[];
  conv43: number[];
  ridgeRank41: Uint32Array;
  ridgeRank43: Uint32Array;
  /** The top balanceTop ridge-ranked channels of each layer, whose sums give the balance factor. */
  balance41: number[];
  balance43: number[];
  /** conv4_3 channels switched on by the minimum-total rule. */
  filled: number;
}

/** Channel indices by descending v; ties keep the lower index first (Matlab's sort is stable). */
export function ridgeRanking(v: ArrayLike<number>): Uint32Array {
  return Uint32Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[b] - v[a] || a - b);
}

/**
 * tadt rule, as both references code it:
 * - conv4_1: v > 0 and rank mask, then only ridge ranks < top41 (80);
 * - conv4_3: v > 0, then only ridge ranks < top43 (300);
 * - if n41 + n43 < minTotal (250): switch on the conv4_3 channels at ridge-rank positions
 *   [n43, n43 + minTotal - n41 - n43). Positions, not "the next channels that are off": the two
 *   agree, because the v > 0 channels are exactly ranks 0..npos-1 and so the on channels are
 *   ranks 0..n43-1.
 */
export function selectChannels(input: SelectionInput, options: SelectionOptions): Selection {
  const { v41, v43 } = input;
  const rank41 = ridgeRanking(v41);
  const rank43 = ridgeRanking(v43);
  const useRank = options.mode !== 'regress-only' && input.rankMask41 !== undefined;
  if (useRank && input.rankMask41!.length !== v41.length) {
    throw new RangeError(`selection: rank mask of ${input.rankMask41!.length} for ${v41.length} channels`);
  }
  const on41 = Uint8Array.from({ length: v41.length }, (_, c) => (v41[c] > 0 && (!useRank || input.rankMask41![c] !== 0) ? 1 : 0));
  const on43 = Uint8Array.from({ length: v43.length }, (_, c) => (v43[c] > 0 ? 1 : 0));
  for (let p = options.top41; p < rank41.length; p++) on41[rank41[p]] = 0;
  for (let p = options.top43; p < rank43.length; p++) on43[rank43[p]] = 0;
  const n41 = count(on41);
  const n43 = count(on43);
  let filled = 0;
  if (n41 + n43 < options.minTotal) {
    for (let p = n43; p < Math.min(rank43.length, n43 + options.minTotal - n41 - n43); p++) {
      if (!on43[rank43[p]]) filled++;
      on43[rank43[p]] = 1;
    }
  }
  let conv41 = indices(on41);
  let conv43 = indices(on43);
  if (options.mode === 'random') {
    const uniform = mulberry32(options.seed ?? 0);
    conv41 = randomSubset(v41.length, conv41.length, uniform);
    conv43 = randomSubset(v43.length, conv43.length, uniform);
  } else if (options.mode === 'explicit') {
    if (!options.explicit) throw new Error('selection: mode "explicit" needs explicit channel lists');
    conv41 = checked('conv4_1', options.explicit.conv41, v41.length);
    conv43 = checked('conv4_3', options.explicit.conv43, v43.length);
  }
  return {
    conv41,
    conv43,
    ridgeRank41: rank41,
    ridgeRank43: rank43,
    balance41: Array.from(rank41.subarray(0, options.balanceTop)),
    balance43: Array.from(rank43.subarray(0, options.balanceTop)),
    filled,
  };
}

function count(mask: Uint8Array): number {
  return mask.reduce((n, m) => n + m, 0);
}

function indices(mask: Uint8Array): number[] {
  const out: number[] = [];
  mask.forEach((m, c) => m && out.push(c));
  return out;
}

/** k distinct indices of 0..n-1 (partial Fisher-Yates), ascending. */
function randomSubset(n: number, k: number, uniform: () => number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(uniform() * (n - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, k).sort((a, b) => a - b);
}

function checked(layer: string, list: readonly number[], channels: number): number[] {
  const sorted = [...list].sort((a, b) => a - b);
  sorted.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c >= channels) throw new RangeError(`selection: ${layer} channel ${c} not in 0..${channels - 1}`);
    if (i > 0 && sorted[i - 1] === c) throw new RangeError(`selection: ${layer} channel ${c} listed twice`);
  });
  return sorted;
}
