// The public API of tadt-webgpu in Node: the shared core, the engine on Dawn, and what needs files:
// weights on disk, image decoding, sequences and evaluation.
export * from './core.ts';
export { createEngine, NO_ADAPTER_HELP, type NodeEngineOptions } from './host/node-engine.ts';
export { resolveWeights, readVggMat, readWeightCache, convertMatToCache, downloadWeights } from './weights/index.ts';
export { decodeImage, loadFrame } from './io/frame.ts';
export { openSequence, listSequences, type Sequence } from './io/sequence.ts';
export { evaluate, formatTable } from './eval/report.ts';
export { evaluateSequence, iou } from './eval/metrics.ts';
