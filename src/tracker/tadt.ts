// The tracker's API (spec 1-5): init on the first frame, update on each next one. The first-frame
// model lives in first-frame.ts, the per-frame GPU work in frame-plan.ts.
import { type Box, formatBox, validateInitBox } from '../io/box.ts';
import { type Frame, toRgbFrame } from '../io/frame.ts';
import type { Peak } from '../kernels/response-peak.ts';
import { BufferPool } from '../runtime/buffer-pool.ts';
import type { Engine } from '../runtime/engine.ts';
import type { VggWeights } from '../weights/vgg.ts';
import { defaultConfig, type TadtConfig } from './config.ts';
import { type FirstFrameReport, learnTarget } from './first-frame.ts';
import { FramePlan, type FrameStage } from './frame-plan.ts';
import {
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
import type { SelectionOverride } from './selection.ts';

export interface TrackerOptions {
  weights: VggWeights;
  config?: TadtConfig;
  /** Forces the channel choice (ablations, checks against other implementations). */
  selection?: SelectionOverride;
  /** Read the 3 normalised F x F response maps back each frame (for pictures; costs a readback). */
  responseMaps?: boolean;
}

export interface InitReport extends Omit<FirstFrameReport, 'seconds'> {
  reScale: number;
  /** Search window side in rescaled pixels, and the feature map side (window / 4). */
  window: number;
  featureSide: number;
  /** Template ph x pw in feature cells. */
  template: [number, number];
  syntheticWeights: boolean;
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

/** Seconds of one profiled frame: upload, the plan's stages, and the 48-byte readback. */
export type StageSeconds = Record<'upload' | FrameStage | 'readback', number>;

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
  dispose(): void;
}

export async function createTracker(engine: Engine, options: TrackerOptions): Promise<Tracker> {
  return new TadtTracker(engine, options);
}

/** The tracker; not exported from the package (profiling.ts reaches its per-stage run). */
export class TadtTracker implements Tracker {
  state: TrackState | null = null;
  private plan: { frames: FramePlan; reScale: number } | null = null;
  private busy = false;
  private readonly config: TadtConfig;

  constructor(
    readonly engine: Engine,
    private readonly options: TrackerOptions,
  ) {
    // A copy: a caller editing its config object must not change a sequence in flight.
    this.config = structuredClone(options.config ?? defaultConfig());
    const max = this.config.maxWindow;
    if (max !== null && !(Number.isInteger(max) && max >= 1)) {
      throw new RangeError(`config.maxWindow ${max}: expected null or a positive whole number of pixels`);
    }
  }

  init(frame: Frame, box: Box): Promise<InitReport> {
    return this.exclusive('init', () => this.initNow(frame, box));
  }

  update(frame: Frame): Promise<UpdateResult> {
    return this.exclusive('update', async () => {
      const frames = await this.prepareFrame(frame);
      await frames.frame.run();
      return this.finishFrame();
    });
  }

  /** update() with the frame's stages timed apart: for the benchmark (see profiling.ts). */
  profileUpdate(frame: Frame): Promise<{ result: UpdateResult; seconds: StageSeconds }> {
    return this.exclusive('profileUpdate', async () => {
      const t0 = performance.now();
      const frames = await this.prepareFrame(frame);
      await this.engine.finish();
      const upload = (performance.now() - t0) / 1000;
      const stages = await frames.frame.profile();
      const t1 = performance.now();
      const result = await this.finishFrame();
      return { result, seconds: { upload, ...stages, readback: (performance.now() - t1) / 1000 } };
    });
  }

  dispose(): void {
    this.plan?.frames.release();
    this.plan = null;
    this.state = null;
  }

  private async initNow(frame: Frame, box: Box): Promise<InitReport> {
    // Everything that can be rejected from the input alone is, before the previous sequence is dropped.
    const rgb = checkFrame(frame);
    validateInitBox(box, rgb.width, rgb.height);
    const c = this.config;
    const reScale = rescaleFactor(box, c.minTargetSize, c.maxTargetSize);
    const [width, height] = resizedSize(rgb.width, rgb.height, reScale);
    this.checkResizedFrame(box, rgb, reScale, width, height);
    this.dispose();
    const t0 = performance.now();
    const window = searchWindowSize(c.maxTargetSize, c.windowFactor, width, height);
    const F = window / 4;
    const rescaled = toRescaledBox(box, reScale);
    const state = stateFromBox(rescaled, window);
    const frameSize = { width: rgb.width, height: rgb.height };
    const frames = await FramePlan.create(this.engine, { frameSize, reScale, window, weights: this.options.weights, config: c });
    try {
      frames.input.write(rgb.data);
      const t1 = performance.now();
      await frames.runFront(state);
      await this.engine.finish();
      const t2 = performance.now();
      // Spec 3.1: odd template sides; clamped to the map so that very large targets stay valid.
      const template: [number, number] = [
        Math.min(F, templateSide(rescaled[3], F, window)),
        Math.min(F, templateSide(rescaled[2], F, window)),
      ];
      const { model, report } = await learnTarget(this.engine, frames.backbone, template, c, this.options.selection);
      // After frame 1 only the selected conv4_3 channels are needed: about 4 GFLOP less per frame.
      await frames.backbone.restrictConv43(report.selection.conv43);
      await frames.complete(model, c, window);
      const warnings: string[] = [];
      if (template[0] === F || template[1] === F) warnings.push(`template clamped to the ${F}-cell feature map`);
      if (c.maxWindow !== null && c.maxWindow < window) {
        warnings.push(`maxWindow ${c.maxWindow} is below the initial search window ${window}: the window shrinks to it from frame 2`);
      }
      warnings.push(...report.warnings);
      this.plan = { frames, reScale };
      this.state = state;
      return {
        ...report,
        reScale,
        window,
        featureSide: F,
        template,
        syntheticWeights: this.options.weights.synthetic,
        warnings,
        seconds: { setup: (t1 - t0) / 1000, backbone: (t2 - t1) / 1000, ...report.seconds },
      };
    } catch (e) {
      // A half-built plan would hold its buffers in the shared pool for good.
      frames.release();
      throw e;
    }
  }

  /**
   * The whole frame is rescaled on the GPU (spec 1.2), so a tiny target in a large frame (a 3x3 box in
   * 640x360 is scaled by 14.7) can need a buffer larger than the device can bind: say so in terms of
   * the input rather than as a WebGPU validation error.
   */
  private checkResizedFrame(box: Box, rgb: Frame, reScale: number, width: number, height: number): void {
    const limits = this.engine.device.limits;
    const limit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    // The Matlab resize keeps a rows-only intermediate [H', W, 3]; the pool rounds sizes up to its classes.
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

  /** Uploads the frame and writes this frame's window into the plan. */
  private async prepareFrame(frame: Frame): Promise<FramePlan> {
    const plan = this.plan;
    const state = this.state;
    if (!plan || !state) throw new Error('tracker.update() before tracker.init()');
    const rgb = checkFrame(frame);
    const { width, height } = plan.frames.frameSize;
    if (rgb.width !== width || rgb.height !== height) {
      throw new Error(`frame is ${rgb.width}x${rgb.height}, but the sequence started with ${width}x${height} frames`);
    }
    await plan.frames.setFrame(rgb.data, state);
    return plan.frames;
  }

  /** Reads the three peaks (48 bytes), picks the scale and moves the state (spec 4.4-4.5). */
  private async finishFrame(): Promise<UpdateResult> {
    const { frames, reScale } = this.plan!;
    const { peaks } = await frames.peak.read();
    const { scales, weights } = this.config.pyramid;
    let best = 0;
    for (let k = 1; k < 3; k++) if (peaks[k].max * weights[k] > peaks[best].max * weights[best]) best = k;
    const used = this.state!.window;
    let next = updateState(this.state!, peaks[best].x + 1, peaks[best].y + 1, scales[best]);
    if (this.config.maxWindow !== null && next.window > this.config.maxWindow) next = { ...next, window: this.config.maxWindow };
    if (next.window < 1) next = { ...next, window: 1 };
    this.state = next;
    const result: UpdateResult = {
      box: fromRescaledState(next, reScale),
      score: peaks[best].max,
      scale: scales[best],
      scaleIndex: best,
      peaks,
      window: used,
    };
    if (this.options.responseMaps) result.responseMaps = await responseMaps(frames);
    return result;
  }
}

async function responseMaps(frames: FramePlan): Promise<{ width: number; height: number; data: Float32Array }[]> {
  const F = frames.peak.F;
  const all = await frames.xcorr.output.read();
  const max = all.reduce((m, v) => Math.max(m, v), 0) || 1;
  return [0, 1, 2].map((k) => ({ width: F, height: F, data: all.slice(k * F * F, (k + 1) * F * F).map((v) => v / max) }));
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
