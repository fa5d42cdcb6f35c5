// Public surface of the weights module.
export { CacheError, MatError, WeightFileError } from './errors.ts';
export { readMatBlob, parseMat, looksLikeMat, isCell, isNumeric, isStruct, isStructArray } from './mat.ts';
export { readMat, readVggMat } from './mat-file.ts';
export type { MatValue, MatNumeric, MatStruct, MatList, ReadMatOptions } from './mat.ts';
export {
  VGG_CONV_LAYERS, checkVggLayers, extractVgg, parameterCount, readVggBlob, weightAt, weightIndex,
} from './vgg.ts';
export type { VggLayer, VggLayerSpec, VggWeights, WeightSource } from './vgg.ts';
export { CACHE_MAGIC, decodeWeightCache, encodeWeightCache, isWeightCache } from './cache-format.ts';
export { convertMatToCache, readWeightCache, writeWeightCache } from './cache.ts';
export type { CacheHeader, ConvertProgress } from './cache.ts';
export { DownloadError, VGG16_MD5, VGG16_URL, downloadWeights, formatProgress } from './download.ts';
export type { DownloadOptions, DownloadResult } from './download.ts';
export { SYNTHETIC_SEED, syntheticVggWeights, syntheticWarning } from './synthetic.ts';
export { resolveWeights } from './resolve.ts';
export type { ResolveOptions, ResolvedWeights } from './resolve.ts';
export { defaultCachePath, weightsDir } from './paths.ts';
