// Agreement with the PyTorch port's recorded run (shared/data/reference/tadt-python/<Seq>.json,
// made with shared/weights/vgg16-synthetic-conv4.mat): what issue 5's acceptance compares.
import { readFileSync } from 'node:fs';
import type { Box } from '../io/box.ts';
import { FramePrefetcher } from '../io/prefetch.ts';
import { openSequence } from '../io/sequence.ts';
import type { Engine } from '../runtime/engine.ts';
import { defaultConfig } from '../tracker/config.ts';
import { type SelectionOverride, selectChannels, selectionOptions } from '../tracker/selection.ts';
import { runSequence } from '../tracker/run-sequence.ts';
import { createTracker, type InitReport, type UpdateResult } from '../tracker/tadt.ts';
import type { VggWeights } from '../weights/vgg.ts';
import { sharedPath } from './shared-data.ts';

export const REFERENCE_SEQUENCES = ['Skiing', 'Couple', 'Crossing', 'DragonBaby', 'Football1'] as const;

/** The acceptance's tolerances. */
export const TOLERANCE = {
  /** Ridge ranking: neighbours whose v differ by less than this (relative) may swap. */
  rankTie: 1e-6,
  /** Channels per layer by which our own selection may differ from the port's. */
  selectionChannels: 2,
  balanceRelative: 1e-4,
  /** A frame whose best weighted scale peak beats the runner-up by less than this (relative) is a near-tie. */
  nearTie: 1e-4,
  centrePixels: 1,
  sizeRelative: 0.005,
} as const;

export interface ReferenceFrame {
  frame: number;
  box: Box;
  box0: Box;
  scale_ind?: number;
  peak_xy0?: [number, number];
  max_resp?: number;
  scale_max?: [number, number, number];
  xcorr_raw_max?: number;
  window_before?: number;
  window_after?: number;
}

/** The fields of a reference file this module reads. Channel indices are 0-based. */
export interface ReferenceRun {
  sequence: string;
  n_frames: number;
  re_scale: number;
  sz: number;
  template_hw: [number, number];
  ridge_rank_conv4_1_top80: number[];
  ridge_rank_conv4_3_top300: number[];
  ridge_v_sorted_conv4_1_top80: number[];
  ridge_v_sorted_conv4_3_top300: number[];
  ridge_n_pos: [number, number];
  ridge_last_loss: [number, number];
  rank: { K: number; n_rank_pos: number; f: number[] };
  selected_conv4_1: number[];
  selected_conv4_3: number[];
  balance_B41_B43: [number, number];
  balance_factor_B43_over_B41: number;
  frames: ReferenceFrame[];
}

export function loadReference(sequence: string): ReferenceRun {
  return JSON.parse(readFileSync(sharedPath('data', 'reference', 'tadt-python', `${sequence}.json`), 'utf8')) as ReferenceRun;
}

/** The port's channel choice and balance factor, to take selection out of a tracking comparison. */
export function referenceSelection(ref: ReferenceRun): SelectionOverride {
  return { mode: 'explicit', conv41: ref.selected_conv4_1, conv43: ref.selected_conv4_3, balance: ref.balance_factor_B43_over_B41 };
}

/** Gap between the best and second-best weighted scale peak, relative to the best. */
export function scaleMargin(scaleMax: readonly number[], weights: readonly number[]): number {
  const w = scaleMax.map((m, k) => m * weights[k]).sort((a, b) => b - a);
  return (w[0] - w[1]) / Math.abs(w[0]);
}

/** 1-based number of the reference's first near-tie frame, or null. */
export function firstNearTie(ref: ReferenceRun, weights: readonly number[]): number | null {
  for (const f of ref.frames) {
    if (f.scale_max && scaleMargin(f.scale_max, weights) < TOLERANCE.nearTie) return f.frame;
  }
  return null;
}

export interface RankingAgreement {
  /** Channels shared by our top-n and the port's top-n. */
  overlap: number;
  n: number;
  /** 0-based first position where the channels differ by more than a tie swap; null: none. */
  firstDisagreement: number | null;
  /** Positions holding another channel than the port's. */
  swaps: number;
  /** Largest relative gap, in the port's v, between the channel we put at a position and the port's: 0 without swaps. */
  maxSwapGap: number;
  /** Largest |ours - ref| of v over the port's top-n channels, relative to the largest |v| (the tail's v are near 0). */
  maxVRelative: number;
}

/**
 * Our ridge ranking against the port's top-n list. A position may hold another channel when the
 * port's v of the two channels agree to `tie` relative (float rounding may order near-ties either
 * way).
 */
export function compareRanking(
  ours: ArrayLike<number>,
  oursV: ArrayLike<number>,
  refRank: readonly number[],
  refV: readonly number[],
  tie: number = TOLERANCE.rankTie,
): RankingAgreement {
  const n = refRank.length;
  const refPos = new Map(refRank.map((c, p) => [c, p]));
  const mine = new Set(Array.from({ length: n }, (_, p) => ours[p]));
  let firstDisagreement: number | null = null;
  let swaps = 0;
  let maxSwapGap = 0;
  let maxVError = 0;
  for (let p = 0; p < n; p++) {
    maxVError = Math.max(maxVError, Math.abs(oursV[refRank[p]] - refV[p]));
    if (ours[p] === refRank[p]) continue;
    swaps++;
    const q = refPos.get(ours[p]);
    // Beyond the port's list the other channel's v is known only from our side.
    const other = q === undefined ? oursV[ours[p]] : refV[q];
    const gap = Math.abs(other - refV[p]) / Math.abs(refV[p]);
    maxSwapGap = Math.max(maxSwapGap, gap);
    if (gap > tie) firstDisagreement ??= p;
  }
  const scale = Math.max(...refV.map(Math.abs));
  return { overlap: refRank.filter((c) => mine.has(c)).length, n, firstDisagreement, swaps, maxSwapGap, maxVRelative: maxVError / scale };
}

export interface SetDifference {
  /** In ours, not in the port's. */
  extra: number[];
  missing: number[];
}

export function setDifference(ours: readonly number[], ref: readonly number[]): SetDifference {
  const a = new Set(ours);
  const b = new Set(ref);
  return { extra: ours.filter((c) => !b.has(c)), missing: ref.filter((c) => !a.has(c)) };
}

/** Centre within 1 px and both sides within 0.5% of the reference (both 0-based, original pixels). */
export function boxAgrees(ours: Box, ref: Box): boolean {
  const dx = ours[0] + ours[2] / 2 - (ref[0] + ref[2] / 2);
  const dy = ours[1] + ours[3] / 2 - (ref[1] + ref[3] / 2);
  return (
    Math.hypot(dx, dy) < TOLERANCE.centrePixels &&
    Math.abs(ours[2] / ref[2] - 1) < TOLERANCE.sizeRelative &&
    Math.abs(ours[3] / ref[3] - 1) < TOLERANCE.sizeRelative
  );
}

export interface FrameAgreement {
  frame: number;
  agrees: boolean;
  box: Box;
  refBox: Box;
  centreError: number;
  scaleIndex: number;
  refScaleIndex: number | null;
  peak: [number, number];
  refPeak: [number, number] | null;
  scaleMax: number[];
  refScaleMax: number[] | null;
  window: number;
  refWindow: number | null;
}

export interface InitAgreement {
  ranking41: RankingAgreement;
  ranking43: RankingAgreement;
  /** Our own selection (recomputed from our v and rank mask when the run injects the port's). */
  selection41: SetDifference;
  selection43: SetDifference;
  balance: { ours: number; ref: number; relative: number; b41: number; b43: number; refB41: number; refB43: number };
  ridgePositive: { ours: [number, number]; ref: [number, number] };
  ridgeLastLoss: { ours: [number, number]; ref: [number, number] };
  rankK: { ours: number; ref: number };
  rankPositive: { ours: number; ref: number };
  template: { ours: [number, number]; ref: [number, number] };
}

export interface SequenceAgreement {
  sequence: string;
  injected: boolean;
  init: InitAgreement;
  nearTie: number | null;
  /** Frames 2.. compared (frame 1 is the input box on both sides). */
  frames: FrameAgreement[];
  matchedBeforeTie: number;
  framesBeforeTie: number;
  matched: number;
  firstDivergence: number | null;
  initSeconds: number;
  frameSeconds: number;
}

export function compareInit(report: InitReport, ref: ReferenceRun): InitAgreement {
  const config = defaultConfig('pytorch-port');
  const { v: v41 } = report.ridge.conv41;
  const { v: v43 } = report.ridge.conv43;
  // With an injected selection the report holds the port's lists: our own choice is recomputed.
  const own = selectChannels(
    { v41, v43, rankMask41: report.ranking.skipped ? undefined : report.ranking.mask },
    selectionOptions(config.selection),
  );
  const { b41, b43 } = report.balance;
  const ours = b41 > 0 ? Math.fround(b43 / b41) : 1;
  const refFactor = ref.balance_factor_B43_over_B41;
  const positive = (v: Float32Array) => v.reduce((n, x) => n + (x > 0 ? 1 : 0), 0);
  const last = (l: Float32Array) => l[l.length - 1];
  return {
    ranking41: compareRanking(own.ridgeRank41, v41, ref.ridge_rank_conv4_1_top80, ref.ridge_v_sorted_conv4_1_top80),
    ranking43: compareRanking(own.ridgeRank43, v43, ref.ridge_rank_conv4_3_top300, ref.ridge_v_sorted_conv4_3_top300),
    selection41: setDifference(own.conv41, ref.selected_conv4_1),
    selection43: setDifference(own.conv43, ref.selected_conv4_3),
    balance: { ours, ref: refFactor, relative: Math.abs(ours / refFactor - 1), b41, b43, refB41: ref.balance_B41_B43[0], refB43: ref.balance_B41_B43[1] },
    ridgePositive: { ours: [positive(v41), positive(v43)], ref: ref.ridge_n_pos },
    ridgeLastLoss: { ours: [last(report.ridge.conv41.losses), last(report.ridge.conv43.losses)], ref: ref.ridge_last_loss },
    rankK: { ours: report.ranking.K, ref: ref.rank.K },
    rankPositive: { ours: report.ranking.mask.reduce((n, m) => n + m, 0), ref: ref.rank.n_rank_pos },
    template: { ours: report.template, ref: ref.template_hw },
  };
}

function compareFrame(result: UpdateResult, ref: ReferenceFrame): FrameAgreement {
  const p = result.peaks[result.scaleIndex];
  const c = (b: Box) => [b[0] + b[2] / 2, b[1] + b[3] / 2];
  const [ax, ay] = c(result.box);
  const [bx, by] = c(ref.box0);
  return {
    frame: ref.frame,
    agrees: boxAgrees(result.box, ref.box0),
    box: result.box,
    refBox: ref.box0,
    centreError: Math.hypot(ax - bx, ay - by),
    scaleIndex: result.scaleIndex,
    refScaleIndex: ref.scale_ind ?? null,
    peak: [p.x, p.y],
    refPeak: ref.peak_xy0 ?? null,
    scaleMax: result.peaks.map((q) => q.max),
    refScaleMax: ref.scale_max ?? null,
    window: result.window,
    refWindow: ref.window_before ?? null,
  };
}

export interface AgreementOptions {
  /** Track frames 1..frames (default: the whole sequence). */
  frames?: number;
  /** Use the port's channel selection and balance factor instead of our own. */
  inject: boolean;
  /** Called after each tracked frame (progress). */
  onFrame?: (f: FrameAgreement) => void;
}

/** Tracks one reference sequence with the pytorch-port profile and compares every step it can. */
export async function trackAgainstReference(engine: Engine, weights: VggWeights, ref: ReferenceRun, opts: AgreementOptions): Promise<SequenceAgreement> {
  const config = defaultConfig('pytorch-port');
  const seq = openSequence(sharedPath('data', 'otb', ref.sequence));
  const count = Math.min(opts.frames ?? ref.n_frames, ref.n_frames, seq.frames.length);
  const tracker = await createTracker(engine, { weights, config, selection: opts.inject ? referenceSelection(ref) : undefined });
  const frames: FrameAgreement[] = [];
  try {
    const run = await runSequence(tracker, new FramePrefetcher(seq.frames.slice(0, count)), seq.initBox, {
      onFrame: ({ index, result }) => {
        if (!result) return;
        const f = compareFrame(result, ref.frames[index]);
        frames.push(f);
        opts.onFrame?.(f);
      },
    });
    const nearTie = firstNearTie(ref, config.pyramid.weights);
    const before = frames.filter((f) => nearTie === null || f.frame < nearTie);
    return {
      sequence: ref.sequence,
      injected: opts.inject,
      init: compareInit(run.init, ref),
      nearTie,
      frames,
      matchedBeforeTie: before.filter((f) => f.agrees).length,
      framesBeforeTie: before.length,
      matched: frames.filter((f) => f.agrees).length,
      firstDivergence: frames.find((f) => !f.agrees)?.frame ?? null,
      initSeconds: run.seconds[0],
      frameSeconds: frames.length ? run.seconds.slice(1).reduce((a, b) => a + b, 0) / frames.length : 0,
    };
  } finally {
    tracker.dispose();
  }
}
