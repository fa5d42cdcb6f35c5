// The tracker's API (spec 1-5): init on the first frame, update on each next one. The machinery is
// the multi-target one (multi.ts) with one target; the per-frame GPU work is frame-plan.ts.
import type { Box } from '../io/box.ts';
import type { Frame } from '../io/rgb-frame.ts';
import type { Peak } from '../kernels/response-peak.ts';
import type { Engine } from '../runtime/engine.ts';
import type { VggWeights } from '../weights/vgg.ts';
import type { TadtConfig } from './config.ts';
import type { FirstFrameReport } from './first-frame.ts';
import type { FrameStage } from './frame-plan.ts';
import type { TrackState } from './geometry.ts';
import { TargetSet } from './multi.ts';
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

/** The tracker: the multi-target machinery with one target. Not exported from the package (profiling.ts reaches its per-stage run). */
export class TadtTracker implements Tracker {
  private readonly set: TargetSet;

  constructor(engine: Engine, options: TrackerOptions) {
    this.set = new TargetSet(engine, options, false);
  }

  get engine(): Engine {
    return this.set.engine;
  }

  get state(): TrackState | null {
    return this.set.states[0] ?? null;
  }

  async init(frame: Frame, box: Box): Promise<InitReport> {
    const [{ target: _, ...report }] = await this.set.init(frame, [box]);
    return report;
  }

  async update(frame: Frame): Promise<UpdateResult> {
    const [{ target: _, ...result }] = await this.set.update(frame);
    return result;
  }

  /** update() with the frame's stages timed apart: for the benchmark (see profiling.ts). */
  async profileUpdate(frame: Frame): Promise<{ result: UpdateResult; seconds: StageSeconds }> {
    const { results, seconds } = await this.set.profileUpdate(frame);
    const [{ target: _, ...result }] = results;
    return { result, seconds };
  }

  dispose(): void {
    this.set.dispose();
  }
}
