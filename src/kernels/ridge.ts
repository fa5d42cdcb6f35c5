import { type Dispatch, grid1d, type Step } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import type { Op } from '../runtime/op.ts';
import type { Tensor } from '../runtime/tensor.ts';
import type { TadtConfig } from '../tracker/config.ts';
import { mulberry32, normalGenerator } from '../util/random.ts';
import { channelSums } from './channel-stats.ts';
import { describe, featureElements, type FeatureMap } from './layout.ts';

/**
 * The ridge regression net of spec 3.2: one conv from C channels to 1 with an fh x fw kernel over
 * the whole first-frame map, "same" zero padding, trained in place on the GPU.
 *
 * Weights live on the GPU as [fh][fw][C] (channels fastest, like a FeatureMap without border), so
 * that they load as vec4s next to the HWC features; the public helpers take and return the
 * references' [C][fh][fw] order.
 */
export type RidgeConfig = TadtConfig['ridge'];

/** Kernel side from the template side: 2 ceil(p/2) + 1, which is p + 2 for the odd p of spec 3.1. */
export function ridgeKernelSize(template: readonly [number, number]): [number, number] {
  return [2 * Math.ceil(template[0] / 2) + 1, 2 * Math.ceil(template[1] / 2) + 1];
}

/**
 * Gaussian label y = exp(-0.2 (dr^2/sy^2 + dc^2/sx^2)), sigma = 0.1 x template side, offsets from the
 * map centre; and e^y, the dead-zone loss's weighting.
 */
export function ridgeLabel(height: number, width: number, template: readonly [number, number]) {
  const sy = 0.1 * template[0];
  const sx = 0.1 * template[1];
  const label = new Float32Array(height * width);
  const weight = new Float32Array(height * width);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const dr = r - (height - 1) / 2;
      const dc = c - (width - 1) / 2;
      const y = Math.fround(Math.exp(-0.2 * ((dr * dr) / (sy * sy) + (dc * dc) / (sx * sx))));
      label[r * width + c] = y;
      weight[r * width + c] = Math.exp(y);
    }
  }
  return { label, weight };
}

/**
 * Initial weights as the port scales them, randn / (sqrt(C rh rw) 1e8), from the project's documented
 * generator: a fresh mulberry32(seed), Box-Muller normals in float64 filled in [C][fh][fw] order,
 * rounded to float32 once. Ridge nets use seed 4321, the ranking scorer 1234.
 */
export function initialWeights(channels: number, fh: number, fw: number, seed: number): Float32Array {
  const normal = normalGenerator(mulberry32(seed));
  const scale = Math.sqrt((channels * (fh - 1) / 2) * ((fw - 1) / 2)) * 1e8;
  const out = new Float32Array(channels * fh * fw);
  for (let i = 0; i < out.length; i++) out[i] = normal() / scale;
  return out;
}

/** [C][fh][fw] -> [fh][fwPad][C], taps past fw zero. */
export function toTapsFirst(w: ArrayLike<number>, channels: number, fh: number, fw: number, fwPad = fw): Float32Array {
  const out = new Float32Array(channels * fh * fwPad);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) out[(i * fwPad + j) * channels + c] = w[(c * fh + i) * fw + j];
    }
  }
  return out;
}

/** [fh][fwPad][C] -> [C][fh][fw]. */
export function toChannelsFirst(w: ArrayLike<number>, channels: number, fh: number, fw: number, fwPad = fw): Float32Array {
  const out = new Float32Array(channels * fh * fw);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) out[(c * fh + i) * fw + j] = w[(i * fwPad + j) * channels + c];
    }
  }
  return out;
}

/**
 * Taps per register tile in ridge-forward / ridge-grad (at most 24, the unrolled slots) and the
 * kernel width padded to whole tiles: 13 -> 13/13, 21 -> 21/21, 47 -> 24/48.
 */
export function ridgeTile(fw: number): { tile: number; fwPad: number } {
  const tile = Math.ceil(fw / Math.ceil(fw / MAX_TILE));
  return { tile, fwPad: Math.ceil(fw / tile) * tile };
}

export interface RidgeTrainResult {
  /** Weight updates performed: all of them, or up to and including the first iteration whose loss was under stopLoss. */
  iterations: number;
  /** Loss of each performed iteration, computed before its update. */
  losses: Float32Array;
  stoppedEarly: boolean;
  bias: number;
}

/** state layout, shared with ridge-loss.wgsl. */
const STATE = { active: 0, pending: 1, iterations: 2, bias: 3, history: 8 } as const;
/** MatConvNet solver.adam defaults. */
const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;
const ADAM_PARAMS = { beta1: ADAM.beta1, beta2: ADAM.beta2, oneMinusBeta1: 1 - ADAM.beta1, oneMinusBeta2: 1 - ADAM.beta2, eps: ADAM.eps };
const LANES = 8;
const MAX_TILE = 24;
/** Channel slices of the forward pass: H x SLICES workgroups keep both llvmpipe threads busy. */
const SLICES = 2;
const MAX_WIDTH = 64;

/**
 * Owns the padded input, weights, optimiser state and every dispatch of one ridge net.
 * `iteration` is forward + loss/bias update + weight gradient fused with the optimiser step: three
 * dispatches, no readback. `train()` records all iterations into one submission and reads back
 * only the loss history; early stopping happens on the GPU (ridge-loss.wgsl).
 */
export class RidgeTrainer implements Op {
  readonly name = 'ridge';
  /** forward, loss + bias update, weight gradient + update: one iteration, no readback. */
  readonly steps: Step[];
  /** Iterations recorded so far: the state buffer's tables hold `shape.capacity`. */
  private recorded = 0;

  private constructor(
    private readonly engine: Engine,
    readonly config: RidgeConfig,
    /** capacity: iterations the state buffer has room for (config.iterations). */
    readonly shape: { height: number; width: number; channels: number; kernel: [number, number]; fwPad: number; capacity: number },
    /**
     * weights [fh][fwPad][C]; output: o of the latest forward (H x W, bias included); moment: the
     * optimiser's first moment or momentum buffer ([fh][fwPad][C]); gp: dL/do of the latest
     * iteration (H rows of gpWidth, zero tail).
     */
    readonly buffers: Record<'weights' | 'output' | 'moment' | 'gp' | 'state', Tensor<'f32'>>,
    private readonly owned: Tensor[],
    readonly dispatches: Record<'forward' | 'loss' | 'update' | 'padInput', Dispatch>,
  ) {
    this.steps = [dispatches.forward, dispatches.loss, dispatches.update];
  }

  /**
   * `x`: the whole first-frame map (any border, channels a multiple of 4). `template`: ph x pw, which
   * sets the kernel (ph+2 x pw+2) and the label widths. `initial`: [C][fh][fw] weights; default
   * initialWeights(C, fh, fw, config.seed).
   */
  static async create(
    engine: Engine,
    x: FeatureMap,
    options: { template: readonly [number, number]; config: RidgeConfig; initial?: Float32Array },
  ): Promise<RidgeTrainer> {
    const { config, template } = options;
    const [fh, fw] = ridgeKernelSize(template);
    const { height: H, width: W, channels: C } = x;
    if (C % 4 !== 0) throw new RangeError(`ridge: channels ${C} not a multiple of 4 (${describe(x)})`);
    if (W > MAX_WIDTH) throw new RangeError(`ridge: map width ${W} > ${MAX_WIDTH}`);
    if (x.tensor.size < featureElements(x)) throw new RangeError(`ridge: tensor smaller than ${describe(x)}`);
    const initial = options.initial ?? initialWeights(C, fh, fw, config.seed);
    if (initial.length !== C * fh * fw) throw new RangeError(`ridge: ${initial.length} initial weights for ${C}x${fh}x${fw}`);
    const shapes = `${describe(x)} * ${C}x${fh}x${fw}`;
    const c4 = C / 4;
    const { tile, fwPad } = ridgeTile(fw);
    // Both convolutions read input columns up to W + fwPad - 2 and rows up to H + fh - 2.
    const xpH = H + fh - 1;
    const xpW = W + fwPad - 1;
    const gpWidth = W + tile - 1;
    const partials = LANES * SLICES;
    const capacity = Math.max(1, config.iterations);

    const xp = engine.tensor([xpH, xpW, C], 'ridge padded input');
    const weights = engine.upload([fh, fwPad, C], 'ridge weights', 'f32', toTapsFirst(initial, C, fh, fw, fwPad));
    const zeros = new Float32Array(fh * fwPad * C);
    const s1 = engine.upload([fh, fwPad, C], 'ridge optimiser m/momentum', 'f32', zeros);
    const s2 = engine.upload([fh, fwPad, C], 'ridge optimiser v', 'f32', zeros);
    const partial = engine.tensor([partials, H, W], 'ridge forward partials');
    const { label, weight } = ridgeLabel(H, W, template);
    const labelT = engine.upload([H, W], 'ridge label', 'f32', label);
    const weightT = engine.upload([H, W], 'ridge label weight', 'f32', weight);
    const gp = engine.upload([H, gpWidth], 'ridge output gradient', 'f32', new Float32Array(H * gpWidth));
    const output = engine.tensor([H, W], 'ridge output');
    const stateInit = new Float32Array(STATE.history + 3 * capacity);
    stateInit[STATE.active] = 1;
    for (let t = 1; t <= capacity; t++) {
      const correction = Math.sqrt(1 - ADAM.beta2 ** t) / (1 - ADAM.beta1 ** t);
      stateInit[STATE.history + capacity + t - 1] = config.learningRate * correction;
      stateInit[STATE.history + 2 * capacity + t - 1] = config.biasLearningRate * correction;
    }
    const state = engine.upload([stateInit.length], 'ridge state', 'f32', stateInit);
    const tensors: Tensor[] = [xp, weights, s1, s2, partial, labelT, weightT, gp, output, state];

    const padInput = await engine.prepare({
      op: 'ridge-pad',
      shader: 'ridge-pad',
      buffers: { src: x.tensor, dst: xp },
      params: { height: H, width: W, srcPad: x.pad, c4, dstWidth: xpW, top: (fh - 1) / 2, left: (fw - 1) / 2, count: xpH * xpW * c4 },
      workgroups: grid1d(xpH * xpW * c4, 64),
      shapes: `${describe(x)} -> ${xpH}x${xpW}x${C}`,
    });
    const forward = await engine.prepare({
      op: 'ridge-forward',
      shader: 'ridge-forward',
      constants: { T: tile },
      buffers: { xp, w: weights, partial, state },
      params: { height: H, width: W, fh, fwPad, c4, xpWidth: xpW, slices: SLICES },
      workgroups: grid1d(H * SLICES, 1),
      shapes,
    });
    const adam = config.optimizer === 'adam';
    const tilesJ = fwPad / tile;
    const loss = await engine.prepare({
      op: 'ridge-loss',
      shader: 'ridge-loss',
      buffers: { partial, label: labelT, labelWeight: weightT, gp, out: output, state },
      params: {
        height: H, width: W, partials, gpWidth,
        deadZone: Number(config.loss === 'dead-zone'), adam: Number(adam), capacity,
        stopLoss: config.stopLoss ?? -1, lr: config.biasLearningRate, decay: config.weightDecay, momentum: config.momentum,
        ...ADAM_PARAMS,
      },
      workgroups: [1],
      shapes: `${H}x${W}`,
    });
    const update = await engine.prepare({
      op: 'ridge-grad',
      shader: 'ridge-grad',
      constants: { T: tile },
      buffers: { xp, gp, w: weights, s1, s2, state },
      params: {
        height: H, width: W, fh, fw, fwPad, c4, xpWidth: xpW, gpWidth, tilesJ, mode: adam ? 2 : 1, capacity,
        lr: config.learningRate, decay: config.weightDecay, momentum: config.momentum, ...ADAM_PARAMS,
      },
      workgroups: grid1d(fh * tilesJ * Math.ceil(c4 / 8), 1),
      shapes,
    });
    await engine.run([padInput]);
    return new RidgeTrainer(engine, config, { height: H, width: W, channels: C, kernel: [fh, fw], fwPad, capacity },
      { weights, output, moment: s1, gp, state }, tensors, { forward, loss, update, padInput });
  }

  /**
   * Runs `iterations` (default config.iterations) iterations in one submission, then reads back the
   * loss history: the only readback. At most `shape.capacity` iterations over the trainer's life.
   */
  async train(iterations = this.config.iterations): Promise<RidgeTrainResult> {
    if (this.recorded + iterations > this.shape.capacity) {
      throw new RangeError(`ridge: ${this.recorded} + ${iterations} iterations exceed the capacity ${this.shape.capacity}`);
    }
    this.recorded += iterations;
    const steps: Step[] = [];
    for (let i = 0; i < iterations; i++) steps.push(...this.steps);
    await this.engine.run(steps, { label: `ridge x${iterations}` });
    return this.readResult();
  }

  async readResult(): Promise<RidgeTrainResult> {
    const s = await this.buffers.state.read();
    const done = s[STATE.iterations];
    return {
      iterations: done,
      losses: s.slice(STATE.history, STATE.history + Math.min(done, this.shape.capacity)),
      stoppedEarly: s[STATE.pending] !== 0,
      bias: s[STATE.bias],
    };
  }

  /** Trained weights in [C][fh][fw] order (one readback of C fh fw floats). */
  async readWeights(): Promise<Float32Array> {
    const { channels, kernel, fwPad } = this.shape;
    return toChannelsFirst(await this.buffers.weights.read(), channels, kernel[0], kernel[1], fwPad);
  }

  /** Channel importance v_c = sum over the kernel taps of W[c], summed on the GPU; reads back C floats. */
  async importance(): Promise<Float32Array> {
    const { channels, kernel, fwPad } = this.shape;
    // The padded taps hold zeros, so the kernel is a border-less fh x fwPad map.
    const map: FeatureMap = { tensor: this.buffers.weights, height: kernel[0], width: fwPad, channels, pad: 0 };
    const out = this.engine.tensor([channels], 'ridge importance');
    const sums = await channelSums(this.engine, map, out);
    await this.engine.run([...sums.steps]);
    const v = await out.read();
    sums.release();
    out.release();
    return v;
  }

  async set(): Promise<void> {}

  release(): void {
    for (const d of Object.values(this.dispatches)) this.engine.discard(d);
    for (const t of this.owned) t.release();
  }
}
