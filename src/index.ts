// The public API of tadt-webgpu in Node: the shared core, the engine on Dawn, and what needs files:
// weights on disk, image decoding, sequences and evaluation.
export * from './core.ts';
export { createEngine, NO_ADAPTER_HELP, type NodeEngineOptions } from './host/node-engine.ts';
export { resolveWeights, readVggMat, readWeightCache, convertMatToCache, downloadWeights } from './weights/index.ts';
export { decodeImage, loadFrame } from './io/frame.ts';
export { openSequence, openFrames, listSequences, type Sequence } from './io/sequence.ts';
export { probeVideo, type VideoInfo } from './io/video-probe.ts';
export { VideoFrames } from './io/video-source.ts';
export type { FrameSource } from './io/frame-source.ts';
export { evaluate, formatTable } from './eval/report.ts';
export { evaluateSequence, iou } from './eval/metrics.ts';
export { openDataset, detectDataset, type Dataset, type DatasetEntry, type DatasetKind } from './io/datasets/index.ts';
export { runSupervised, type InitUpdateTracker, type SupervisedRun } from './eval/supervised.ts';
export { evaluateVot, formatVotTable, type VotReport } from './eval/vot-report.ts';
export { EAO_RANGES, parseVotResult, formatVotRecord, type VotRecord } from './eval/vot.ts';
export { regionOverlap } from './eval/region.ts';
