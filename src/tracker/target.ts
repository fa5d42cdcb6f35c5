// One target's sequence-long values (spec 1.2-1.3, 3.1, 4.4-4.5): where its window goes, its
// first-frame model and state, and how a frame's peaks move it. The GPU work is the frame plan's.
import { type Box, formatBox, validateInitBox } from '../io/box.ts';
import type { Frame } from '../io/rgb-frame.ts';
import type { PeakReadout } from '../kernels/response-peak.ts';
import { BufferPool } from '../runtime/buffer-pool.ts';
import type { Engine } from '../runtime/engine.ts';
import type { TadtConfig } from './config.ts';
import type { TargetModel, TargetWindow } from './frame-plan.ts';
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
import type { UpdateResult } from './tadt.ts';

/** A target before its model is learnt: geometry from its box and the first frame. */
export interface TargetStart extends TargetWindow {
  /** The box in rescaled-frame pixels, and the state it gives. */
  rescaled: Box;
  state: TrackState;
  /** Template ph x pw in feature cells (spec 3.1, clamped to the map). */
  template: [number, number];
}

/**
 * Everything about a target that can be decided from its box and the frame, checked before any
 * GPU work: box validity and whether the rescaled frame fits a GPU buffer.
 */
export function startTarget(engine: Engine, config: TadtConfig, box: Box, frame: Frame): TargetStart {
  validateInitBox(box, frame.width, frame.height);
  const reScale = rescaleFactor(box, config.minTargetSize, config.maxTargetSize);
  const [width, height] = resizedSize(frame.width, frame.height, reScale);
  checkResizedFrame(engine, config, box, frame, reScale, width, height);
  const window = searchWindowSize(config.maxTargetSize, config.windowFactor, width, height);
  const F = window / 4;
  const rescaled = toRescaledBox(box, reScale);
  // Spec 3.1: odd template sides; clamped to the map so that very large targets stay valid.
  const template: [number, number] = [Math.min(F, templateSide(rescaled[3], F, window)), Math.min(F, templateSide(rescaled[2], F, window))];
  return { reScale, window, rescaled, state: stateFromBox(rescaled, window), template };
}

/** Warnings about a target's geometry, beside the first-frame model's own. */
export function startWarnings(start: TargetStart, config: TadtConfig): string[] {
  const F = start.window / 4;
  const warnings: string[] = [];
  if (start.template[0] === F || start.template[1] === F) warnings.push(`template clamped to the ${F}-cell feature map`);
  if (config.maxWindow !== null && config.maxWindow < start.window) {
    warnings.push(`maxWindow ${config.maxWindow} is below the initial search window ${start.window}: the window shrinks to it from frame 2`);
  }
  return warnings;
}

/** Picks the scale from the three peaks and moves the state (spec 4.4-4.5). */
export function trackStep(
  state: TrackState,
  reScale: number,
  readout: PeakReadout,
  config: TadtConfig,
): { state: TrackState; result: UpdateResult } {
  const { peaks } = readout;
  const { scales, weights } = config.pyramid;
  let best = 0;
  for (let k = 1; k < 3; k++) if (peaks[k].max * weights[k] > peaks[best].max * weights[best]) best = k;
  let next = updateState(state, peaks[best].x + 1, peaks[best].y + 1, scales[best]);
  if (config.maxWindow !== null && next.window > config.maxWindow) next = { ...next, window: config.maxWindow };
  if (next.window < 1) next = { ...next, window: 1 };
  const result: UpdateResult = {
    box: fromRescaledState(next, reScale),
    score: peaks[best].max,
    scale: scales[best],
    scaleIndex: best,
    peaks,
    window: state.window,
  };
  return { state: next, result };
}

/** Releases a learnt model's tensors (the target owns them; frame plans come and go). */
export function releaseModel(model: TargetModel): void {
  model.template.tensor.release();
}

/**
 * The whole frame is rescaled on the GPU (spec 1.2), so a tiny target in a large frame (a 3x3 box in
 * 640x360 is scaled by 14.7) can need a buffer larger than the device can bind: say so in terms of
 * the input rather than as a WebGPU validation error.
 */
function checkResizedFrame(engine: Engine, config: TadtConfig, box: Box, rgb: Frame, reScale: number, width: number, height: number): void {
  const limits = engine.device.limits;
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
      `[${config.minTargetSize}, ${config.maxTargetSize}]) to ${width}x${height}, which needs ${mb(largest)}, ` +
      `${over}. Crop the frames around the target or use a larger box.`,
  );
}
