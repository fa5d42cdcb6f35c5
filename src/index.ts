// The public API of tadt-webgpu: the engine, the tracker, weights, frames, sequences and evaluation.
export * from './runtime/index.ts';
export { createTracker, type Tracker, type TrackerOptions, type InitReport, type UpdateResult } from './tracker/tadt.ts';
export { runSequence, SequenceFrameError, type RunSequenceOptions, type SequenceResult, type TrackedFrame } from './tracker/run-sequence.ts';
export { defaultConfig, paperConfig, type TadtConfig, type Profile, type ImageMethods } from './tracker/config.ts';
export type { Box } from './io/box.ts';
export type { SelectionOverride } from './tracker/selection.ts';
export { createBackbone, type Backbone } from './tracker/backbone.ts';
export { resolveWeights, syntheticVggWeights, readVggMat, readWeightCache, convertMatToCache, downloadWeights } from './weights/index.ts';
export type { VggWeights } from './weights/index.ts';
export { decodeImage, loadFrame, toRgbFrame, type Frame } from './io/frame.ts';
export { openSequence, openFrames, listSequences, type Sequence } from './io/sequence.ts';
export { probeVideo, type VideoInfo } from './io/video-probe.ts';
export { VideoFrames } from './io/video-source.ts';
export type { FrameSource } from './io/frame-source.ts';
export { evaluate, formatTable } from './eval/report.ts';
export { evaluateSequence, iou } from './eval/metrics.ts';
