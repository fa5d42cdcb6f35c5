// What both hosts share: the runtime, the tracker, and weights from bytes or Blobs. Imports nothing
// from Node (the browser bundle test checks it); index.ts (Node) and browser.ts add the engine's host.
export * from './runtime/index.ts';
export { createTracker, type Tracker, type TrackerOptions, type InitReport, type UpdateResult } from './tracker/tadt.ts';
export { createMultiTracker, type MultiTracker, type TargetInitReport, type TargetResult } from './tracker/multi.ts';
export { runSequence, runTargets, SequenceFrameError, type RunSequenceOptions, type SequenceResult, type TrackedFrame, type TargetsFrame, type TargetsResult } from './tracker/run-sequence.ts';
export { defaultConfig, paperConfig, type TadtConfig, type Profile, type ImageMethods } from './tracker/config.ts';
export { checkBoxSize, validateInitBox, toOneBased, fromOneBased, type Box } from './io/box.ts';
export { SequenceError } from './io/errors.ts';
export type { SelectionOverride } from './tracker/selection.ts';
export { createBackbone, type Backbone } from './tracker/backbone.ts';
export { toRgbFrame, type Frame, type RawPixels } from './io/rgb-frame.ts';
export { resultText } from './io/result-lines.ts';
export { parseBoxList, parseRegions, regionBox } from './io/groundtruth.ts';
export { syntheticVggWeights, syntheticWarning, SYNTHETIC_SEED } from './weights/synthetic.ts';
export { readMatBlob, parseMat, looksLikeMat } from './weights/mat.ts';
export { readVggBlob, checkVggLayers, type VggWeights } from './weights/vgg.ts';
export { decodeWeightCache, encodeWeightCache, isWeightCache, CACHE_MAGIC } from './weights/cache-format.ts';
export { WeightFileError, MatError, CacheError } from './weights/errors.ts';
export { weightsFromBlob, type LoadedWeights } from './weights/from-blob.ts';
