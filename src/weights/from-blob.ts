// Weights from a file a user hands over (a browser File, or any Blob), told apart by content:
// a MatConvNet MAT-file is converted, a TADTW001 cache is checked. Either way the result comes with
// the cache's bytes, for the host to keep.
import { CACHE_MAGIC, decodeWeightCache, encodeWeightCache, isWeightCache } from './cache-format.ts';
import { WeightFileError } from './errors.ts';
import { looksLikeMat } from './mat.ts';
import { checkVggLayers, readVggBlob, type VggWeights } from './vgg.ts';

export interface LoadedWeights {
  weights: VggWeights;
  /** The converted cache file: the given one, or the conversion of the MAT-file. */
  cache: Uint8Array;
  kind: 'mat' | 'cache';
}

/** `onRead` gets the size of each chunk read while converting a MAT-file. */
export async function weightsFromBlob(blob: Blob, name: string, onRead?: (bytes: number) => void): Promise<LoadedWeights> {
  const head = new Uint8Array(await blob.slice(0, 128).arrayBuffer());
  if (isWeightCache(head)) {
    const cache = new Uint8Array(await blob.arrayBuffer());
    const weights = await decodeWeightCache(cache, name);
    checkVggLayers(weights, name);
    return { weights, cache, kind: 'cache' };
  }
  if (looksLikeMat(head)) {
    const weights = await readVggBlob(blob, name, { onRead });
    return { weights, cache: (await encodeWeightCache(weights)).bytes, kind: 'mat' };
  }
  throw new WeightFileError(name, `neither a MAT-file nor a ${CACHE_MAGIC} weight cache`);
}
