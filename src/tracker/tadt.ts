import { formatBox, validateInitBox } from '../io/box.ts';
import { type Frame, toRgbFrame } from '../io/frame.ts';
import { channelGather, gatheredChannels, templateWindow } from '../kernels/channel-gather.ts';
import { channelBalance } from '../kernels/channel-stats.ts';
import { cropWindow, type CropWindow } from '../kernels/crop-window.ts';
import { featurePyramid, type FeaturePyramid } from '../kernels/feature-pyramid.ts';
import { frameResize, type FrameResize } from '../kernels/frame-resize.ts';
import { featureElements, type FeatureMap } from '../kernels/layout.ts';
import { rankChannels, type RankingResult } from '../kernels/ranking.ts';
import { responsePeak, type Peak, type ResponsePeak } from '../kernels/response-peak.ts';
import { RidgeTrainer, type RidgeTrainResult } from '../kernels/ridge.ts';
import { xcorr, type Xcorr } from '../kernels/xcorr.ts';
import type { Dispatch, Step } from '../runtime/dispatch.ts';
import { BufferPool } from '../runtime/buffer-pool.ts';
import type { Engine } from '../runtime/engine.ts';
import type { Tensor } from '../runtime/tensor.ts';
import type { VggWeights } from '../weights/vgg.ts';
import { createBackbone, type Backbone } from './backbone.ts';
import { defaultConfig, type TadtConfig } from './config.ts';
import {
  type Box,
  fromRescaledState,
  rescaleFactor,
  resizedSize,
  searchWindowSize,
  stateFromBox,
  templateSide,
  toRescaledBox,
  type TrackState,
  updateState,
} from './geometry.ts';
import { type Selection, type SelectionOverride, selectChannels, selectionOptions } from './selection.ts';

export interface TrackerOptions {
  weights: VggWeights;
  config?: TadtConfig;
  /** Forces the channel choice (ablations, checks against other implementations). */
  selection?: SelectionOverride;
  /** Read the 3 normalised F x F response maps back each frame (for pictures; costs a readback). */
  responseMaps?: boolean;
}

export interface InitReport {
  reScale: number;
  /** Search window side in rescaled pixels, and the feature map side (window / 4). */
  window: number;
  featureSide: number;
  /** Template ph x pw in feature cells. */
  template: [number, number];
  ridge: { conv41: RidgeTrainResult & { v: Float32Array }; conv43: RidgeTrainResult & { v: Float32Array } };
  ranking: RankingResult;
  selection: Selection;
  /** B41, B43 and the factor B43/B41 applied to the conv4_1 channels. */
  balance: { b41: number; b43: number; factor: number };
  syntheticWeights: boolean;
  warnings: string[];
  /** Wall seconds per stage of the initialisation. */
  seconds: Record<'setup' | 'backbone' | 'ridge' | 'ranking' | 'selection', number>;
}

export interface UpdateResult {
  /** 0-based [x, y, w, h] in the original frame. */
  box: Box;
  /** Peak of the chosen scale's map + window (the map's global max is 1, the window's 1). */
  score: number;
  /** Chosen scale factor and its index (0: 45/47, 1: 1, 2: 45/43). */
  scale: number;
  scaleIndex: number;
  peaks: readonly Peak[];
  /** Search window side used for this frame and for the next. */
  window: number;
  responseMaps?: { width: number; height: number; data: Float32Array }[];
}

export interface StageSeconds {
  upload: number;
  crop: number;
  backbone: number;
  correlation: number;
  readback: number;
}

/** Per-sequence GPU state, built on the first frame. */
interface Plan {
  frameSize: { width: number; height: number };
  reScale: number;
  input: Tensor<'u8'>;
  resize: FrameResize | null;
  crop: CropWindow;
  backbone: Backbone;
  gather: Dispatch;
  search: FeatureMap;
  template: FeatureMap;
  pyramid: FeaturePyramid;
  xcorr: Xcorr;
  peak: ResponsePeak;
  owned: Tensor[];
}

/**
 * One tracked sequence at a time on a shared engine (several trackers may share one engine).
 * Frames: `data` is RGB8 row-major; grey (1 byte per pixel) and RGBA (4, alpha composited over
 * black) are accepted too, told apart by the data length. Boxes are 0-based [x, y, w, h].
 */
export interface Tracker {
  readonly state: TrackState | null;
  /**
   * Starts a sequence (and drops the previous one). Rejects, before touching the previous sequence,
   * a box with w or h <= 0 or non-finite values, a box with no pixel inside the frame, and a frame
   * whose rescaled copy would not fit a GPU buffer; a box partly outside the frame is fine. If the
   * initialisation itself fails, the tracker is left uninitialised with nothing allocated.
   */
  init(frame: Frame, box: Box): Promise<InitReport>;
  /** Tracks one frame; it must have the first frame's size. A rejected frame leaves the state as it was. */
  update(frame: Frame): Promise<UpdateResult>;
  /** update() with a separate submission per stage, timed: for the benchmark, slower than update(). */
  profileUpdate(frame: Frame): Promise<{ result: UpdateResult; seconds: StageSeconds }>;
  /** Bytes held in the engine's buffer pool (all trackers on the engine). */
  readonly poolBytes: number;
  dispose(): void;
}

export async function createTracker(engine: Engine, options: TrackerOptions): Promise<Tracker> {
  return new TadtTracker(engine, options);
}

class TadtTracker implements Tracker {
  state: TrackState | null = null;
  private plan: Plan | null = null;
  private busy = false;
  private readonly config: TadtConfig;

  constructor(
    private readonly engine: Engine,
    private readonly options: TrackerOptions,
  ) {
    // A copy: a caller editing its config object must not change a sequence in flight.
    this.config = structuredClone(options.config ?? defaultConfig());
    const max = this.config.maxWindow;
    if (max !== null && !(Number.isInteger(max) && max >= 1)) {
      throw new RangeError(`config.maxWindow ${max}: expected null or a positive whole number of pixels`);
    }
  }

  get poolBytes(): number {
    return this.engine.pool.bytesInUse;
  }

  init(frame: Frame, box: Box): Promise<InitReport> {
    return this.exclusive('init', () => this.initNow(frame, box));
  }

  private async initNow(frame: Frame, box: Box): Promise<InitReport> {
    // Everything that can be rejected from the input alone is, before the previous sequence is dropped.
    const rgb = checkFrame(frame);
    validateInitBox(box, rgb.width, rgb.height);
    const c = this.config;
    const reScale = rescaleFactor(box, c.minTargetSize, c.maxTargetSize);
    const [width, height] = resizedSize(rgb.width, rgb.height, reScale);
    this.checkResizedFrame(box, rgb, reScale, width, height);
    this.releasePlan();
    this.state = null;
    const owned: Tensor[] = [];
    const undo: (() => void)[] = [() => owned.forEach((t) => t.release())];
    try {
      return await this.build(rgb, box, reScale, width, height, owned, undo);
    } catch (e) {
      // A half-built plan would hold its buffers in the shared pool for good.
      undo.reverse().forEach((f) => f());
      this.state = null;
      throw e;
    }
  }

  private async build(
    rgb: Frame,
    box: Box,
    reScale: number,
    width: number,
    height: number,
    owned: Tensor[],
    undo: (() => void)[],
  ): Promise<InitReport> {
    const c = this.config;
    const t0 = performance.now();
    const window = searchWindowSize(c.maxTargetSize, c.windowFactor, width, height);
    const F = window / 4;
    const rescaled = toRescaledBox(box, reScale);
    const state = stateFromBox(rescaled, window);
    const resizeProfile = c.profile;

    const input = this.engine.tensor([rgb.height, rgb.width, 3], 'frame', 'u8');
    owned.push(input);
    input.write(rgb.data);
    // Scale 1 is the identity in both references (cv2 and imresize copy the image).
    const resize = reScale === 1 ? null : await frameResize(this.engine, input, reScale, resizeProfile);
    if (resize) undo.push(() => resize.release());
    const backbone = await createBackbone(this.engine, this.options.weights, { size: window });
    undo.push(() => backbone.dispose());
    const crop = await cropWindow(this.engine, resize ? resize.output : input, { profile: resizeProfile, output: backbone.input });
    undo.push(() => crop.release());
    crop.setWindow(state.cx, state.cy, window);
    const t1 = performance.now();
    await this.engine.run([...(resize?.steps ?? []), crop.dispatch, ...backbone.steps], { label: 'frame 1 features' });
    await this.engine.finish();
    const t2 = performance.now();

    // Spec 3.1: odd template sides; clamped to the map so that very large targets stay valid.
    const template: [number, number] = [
      Math.min(F, templateSide(rescaled[3], F, window)),
      Math.min(F, templateSide(rescaled[2], F, window)),
    ];
    const warnings: string[] = [];
    if (template[0] === F || template[1] === F) warnings.push(`template clamped to the ${F}-cell feature map`);
    if (c.maxWindow !== null && c.maxWindow < window) {
      warnings.push(`maxWindow ${c.maxWindow} is below the initial search window ${window}: the window shrinks to it from frame 2`);
    }
    const conv41 = await this.trainRidge(backbone.relu41, template);
    const conv43 = await this.trainRidge(backbone.relu43, template);
    const t3 = performance.now();
    const kernel: [number, number] = [template[0] + 2, template[1] + 2];
    const ranking = await rankChannels(this.engine, backbone.relu41, { kernel, config: c.ranking });
    if (ranking.warning) warnings.push(ranking.warning);
    const t4 = performance.now();

    const selection = selectChannels(
      { v41: conv41.v, v43: conv43.v, rankMask41: ranking.skipped ? undefined : ranking.mask },
      selectionOptions(c.selection, this.options.selection),
    );
    if (selection.conv41.length + selection.conv43.length === 0) throw new Error('channel selection is empty');
    const balance = await this.balance(backbone, selection);
    // A list may be empty (e.g. no conv4_1 channel passes): a zero-size tensor still owns a buffer.
    const idx41 = this.engine.upload([selection.conv41.length], 'selected conv4_1', 'u32', Uint32Array.from(selection.conv41));
    owned.push(idx41);
    const idx43 = this.engine.upload([selection.conv43.length], 'selected conv4_3', 'u32', Uint32Array.from(selection.conv43));
    owned.push(idx43);
    const channels = gatheredChannels(selection.conv41.length + selection.conv43.length);
    const templateMap = this.featureMap(template[0], template[1], channels, 'template', owned);
    const gatherTemplate = await channelGather(
      this.engine,
      {
        src41: backbone.relu41,
        src43: backbone.relu43,
        idx41: idx41,
        idx43: idx43,
        scale41: balance.factor,
        window: templateWindow(F, F, template[0], template[1]),
      },
      templateMap,
    );
    try {
      await this.engine.run([gatherTemplate], { label: 'template' });
    } finally {
      this.engine.discard(gatherTemplate);
    }
    // After frame 1 only the selected conv4_3 channels are needed: about 4 GFLOP less per frame.
    await backbone.restrictConv43(selection.conv43);
    const search = this.featureMap(F, F, channels, 'search features', owned);
    const gather = await channelGather(
      this.engine,
      { src41: backbone.relu41, src43: backbone.relu43, idx41: idx41, count43: selection.conv43.length, scale41: balance.factor },
      search,
    );
    undo.push(() => this.engine.discard(gather));
    const pyramid = await featurePyramid(this.engine, search, c.pyramid.alignCorners);
    undo.push(() => pyramid.release());
    const xc = await xcorr(this.engine, pyramid.maps, templateMap);
    undo.push(() => xc.release());
    const peak = await responsePeak(this.engine, xc.output, resizeProfile, window);
    const t5 = performance.now();
    this.plan = { frameSize: { width: rgb.width, height: rgb.height }, reScale, input, resize, crop, backbone, gather, search, template: templateMap, pyramid, xcorr: xc, peak, owned };
    this.state = state;
    return {
      reScale,
      window,
      featureSide: F,
      template,
      ridge: { conv41, conv43 },
      ranking,
      selection,
      balance,
      syntheticWeights: this.options.weights.synthetic,
      warnings,
      seconds: {
        setup: (t1 - t0) / 1000,
        backbone: (t2 - t1) / 1000,
        ridge: (t3 - t2) / 1000,
        ranking: (t4 - t3) / 1000,
        selection: (t5 - t4) / 1000,
      },
    };
  }

  /**
   * The whole frame is rescaled on the GPU (spec 1.2), so a tiny target in a large frame (a 3x3 box in
   * 640x360 is scaled by 14.7) can need a buffer larger than the device can bind: say so in terms of
   * the input rather than as a WebGPU validation error.
   */
  private checkResizedFrame(box: Box, rgb: Frame, reScale: number, width: number, height: number): void {
    const limits = this.engine.device.limits;
    const limit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    // The official resize keeps a rows-only intermediate [H', W, 3]; the pool rounds sizes up to its classes.
    const largest = Math.max(width * height, height * rgb.width, rgb.width * rgb.height) * 3;
    if (BufferPool.sizeClass(largest) <= limit) return;
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
    const over = `more than this device's ${mb(limit)} buffer limit`;
    if (largest === rgb.width * rgb.height * 3) {
      throw new RangeError(`a ${rgb.width}x${rgb.height} frame needs ${mb(largest)} on the GPU, ${over}`);
    }
    throw new RangeError(
      `init box ${formatBox(box)} in a ${rgb.width}x${rgb.height} frame: TADT rescales the whole frame by ` +
        `${reScale.toFixed(3)} (target size sqrt(w*h) = ${Math.sqrt(box[2] * box[3]).toFixed(1)} brought into ` +
        `[${this.config.minTargetSize}, ${this.config.maxTargetSize}]) to ${width}x${height}, which needs ${mb(largest)}, ` +
        `${over}. Crop the frames around the target or use a larger box.`,
    );
  }

  update(frame: Frame): Promise<UpdateResult> {
    return this.exclusive('update', async () => {
      const plan = await this.prepareFrame(frame);
      await this.engine.run(this.frameSteps(plan), { label: 'track frame' });
      return this.finishFrame(plan);
    });
  }

  profileUpdate(frame: Frame): Promise<{ result: UpdateResult; seconds: StageSeconds }> {
    return this.exclusive('profileUpdate', () => this.profileNow(frame));
  }

  /**
   * One call at a time: two un-awaited updates would write the same frame buffer and move the same
   * state, so the second is refused instead of silently tracking garbage.
   */
  private async exclusive<T>(what: string, f: () => Promise<T>): Promise<T> {
    if (this.busy) throw new Error(`tracker.${what}() while a previous init()/update() is still running: await each call`);
    this.busy = true;
    try {
      return await f();
    } finally {
      this.busy = false;
    }
  }

  private async profileNow(frame: Frame): Promise<{ result: UpdateResult; seconds: StageSeconds }> {
    const t0 = performance.now();
    const plan = await this.prepareFrame(frame);
    await this.engine.finish();
    const t1 = performance.now();
    const stages: Step[][] = [
      [...(plan.resize?.steps ?? []), plan.crop.dispatch],
      plan.backbone.steps,
      [plan.gather, plan.pyramid.dispatch, ...plan.xcorr.steps, ...plan.peak.steps],
    ];
    const ends: number[] = [];
    for (const steps of stages) {
      await this.engine.run(steps);
      await this.engine.finish();
      ends.push(performance.now());
    }
    const result = await this.finishFrame(plan);
    const t5 = performance.now();
    return {
      result,
      seconds: {
        upload: (t1 - t0) / 1000,
        crop: (ends[0] - t1) / 1000,
        backbone: (ends[1] - ends[0]) / 1000,
        correlation: (ends[2] - ends[1]) / 1000,
        readback: (t5 - ends[2]) / 1000,
      },
    };
  }

  dispose(): void {
    this.releasePlan();
    this.state = null;
  }

  /** Uploads the frame and writes this frame's window into the crop and peak kernels. */
  private async prepareFrame(frame: Frame): Promise<Plan> {
    const plan = this.plan;
    const state = this.state;
    if (!plan || !state) throw new Error('tracker.update() before tracker.init()');
    const rgb = checkFrame(frame);
    const { width, height } = plan.frameSize;
    if (rgb.width !== width || rgb.height !== height) {
      throw new Error(`frame is ${rgb.width}x${rgb.height}, but the sequence started with ${width}x${height} frames`);
    }
    plan.input.write(rgb.data);
    plan.crop.setWindow(state.cx, state.cy, state.window);
    await plan.peak.setSize(state.window);
    return plan;
  }

  private frameSteps(plan: Plan): Step[] {
    return [
      ...(plan.resize?.steps ?? []),
      plan.crop.dispatch,
      ...plan.backbone.steps,
      plan.gather,
      plan.pyramid.dispatch,
      ...plan.xcorr.steps,
      ...plan.peak.steps,
    ];
  }

  /** Reads the three peaks (48 bytes), picks the scale and moves the state (spec 4.4-4.5). */
  private async finishFrame(plan: Plan): Promise<UpdateResult> {
    const { peaks } = await plan.peak.read();
    const { scales, weights } = this.config.pyramid;
    let best = 0;
    for (let k = 1; k < 3; k++) if (peaks[k].max * weights[k] > peaks[best].max * weights[best]) best = k;
    const used = this.state!.window;
    let next = updateState(this.state!, peaks[best].x + 1, peaks[best].y + 1, scales[best]);
    if (this.config.maxWindow !== null && next.window > this.config.maxWindow) next = { ...next, window: this.config.maxWindow };
    if (next.window < 1) next = { ...next, window: 1 };
    this.state = next;
    const result: UpdateResult = {
      box: fromRescaledState(next, plan.reScale),
      score: peaks[best].max,
      scale: scales[best],
      scaleIndex: best,
      peaks,
      window: used,
    };
    if (this.options.responseMaps) result.responseMaps = await this.responseMaps(plan);
    return result;
  }

  private async responseMaps(plan: Plan): Promise<{ width: number; height: number; data: Float32Array }[]> {
    const F = plan.search.height;
    const all = await plan.xcorr.output.read();
    const max = all.reduce((m, v) => Math.max(m, v), 0) || 1;
    return [0, 1, 2].map((k) => ({ width: F, height: F, data: all.slice(k * F * F, (k + 1) * F * F).map((v) => v / max) }));
  }

  private async trainRidge(map: FeatureMap, template: [number, number]): Promise<RidgeTrainResult & { v: Float32Array }> {
    const trainer = await RidgeTrainer.create(this.engine, map, { template, config: this.config.ridge });
    try {
      const result = await trainer.train();
      return { ...result, v: await trainer.importance() };
    } finally {
      trainer.dispose();
    }
  }

  /** B_l = max over pixels of the sum of the top ridge-ranked channels (spec 3.4); 8 bytes read back. */
  private async balance(backbone: Backbone, selection: Selection): Promise<InitReport['balance']> {
    const out = this.engine.tensor([2], 'balance B41 B43');
    const lists = [selection.balance41, selection.balance43].map((l, i) =>
      this.engine.upload([l.length], `balance list ${i}`, 'u32', Uint32Array.from(l)),
    );
    const steps: Dispatch[] = [];
    let b41: number;
    let b43: number;
    try {
      steps.push(await channelBalance(this.engine, backbone.relu41, lists[0], out, 0));
      steps.push(await channelBalance(this.engine, backbone.relu43, lists[1], out, 1));
      await this.engine.run(steps, { label: 'balance' });
      [b41, b43] = await out.read();
    } finally {
      steps.forEach((d) => this.engine.discard(d));
      lists.forEach((t) => t.release());
      out.release();
    }
    const override = this.options.selection?.mode === 'explicit' ? this.options.selection.balance : undefined;
    // An all-zero conv4_1 response (b41 = 0) would make the factor infinite: keep the layers unbalanced then.
    const factor = override ?? (b41 > 0 ? Math.fround(b43 / b41) : 1);
    return { b41, b43, factor };
  }

  private featureMap(height: number, width: number, channels: number, label: string, owned: Tensor[]): FeatureMap {
    const shape = { height, width, channels, pad: 0 };
    const tensor = this.engine.tensor([featureElements(shape)], label);
    owned.push(tensor);
    return { tensor, ...shape };
  }

  private releasePlan(): void {
    const p = this.plan;
    if (!p) return;
    this.engine.discard(p.gather);
    p.peak.release();
    p.xcorr.release();
    p.pyramid.release();
    p.crop.release();
    p.backbone.dispose();
    p.resize?.release();
    p.owned.forEach((t) => t.release());
    this.plan = null;
  }
}

/**
 * Frames are RGB8; greyscale (1 byte per pixel) and RGBA (4) are accepted and converted, so that API
 * users can pass canvas or decoder output directly. The layout is told by the data length; alpha is
 * composited over black, as the PNG loader does, so a frame gives the same result from a file or
 * from memory.
 */
function checkFrame(frame: Frame): Frame {
  const { width, height, data } = frame;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`frame size ${width}x${height} is not a positive integer size`);
  }
  const pixels = width * height;
  const channels = ([3, 1, 4] as const).find((c) => data.length === pixels * c);
  if (channels === undefined) {
    throw new RangeError(
      `frame data has ${data.length} bytes, which fits no layout of a ${width}x${height} frame: expected ` +
        `${pixels * 3} (RGB), ${pixels} (grey) or ${pixels * 4} (RGBA)`,
    );
  }
  return toRgbFrame({ width, height, data, channels });
}
