// The weight cache on disk in Node: atomic writes, reads, and .mat conversion (format: cache-format.ts).
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { type CacheHeader, decodeWeightCache, encodeWeightCache, type ReadCacheOptions } from './cache-format.ts';
import { CacheError } from './errors.ts';
import { hashFile } from './hash.ts';
import { readVggMat } from './mat-file.ts';
import type { VggWeights } from './vgg.ts';

export { CACHE_FORMAT, CACHE_MAGIC, type CacheHeader, type CacheLayerEntry, type ReadCacheOptions } from './cache-format.ts';

/** Writes the cache atomically: a temp file next to `path`, then rename; no temp is left on error. */
export async function writeWeightCache(path: string, weights: VggWeights): Promise<CacheHeader> {
  const { header, bytes } = await encodeWeightCache(weights);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return header;
}

/** Loads a cache; the layers are views into one buffer holding the whole file. */
export async function readWeightCache(path: string, opts: ReadCacheOptions = {}): Promise<VggWeights> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new CacheError(path, `cannot read weight cache: ${(e as Error).message}`);
  }
  return decodeWeightCache(bytes, path, opts);
}

export type ConvertStage = 'hash' | 'read' | 'write';
export type ConvertProgress = (stage: ConvertStage, done: number, total: number) => void;

/**
 * MatConvNet .mat -> cache. Records the source's SHA-256 (streamed, unless the caller already
 * has it) and base name (the caller's, e.g. the URL's for a download staged under a temp name).
 */
export async function convertMatToCache(matPath: string, outPath: string, onProgress?: ConvertProgress,
  known: { sha256?: string; file?: string } = {}): Promise<VggWeights> {
  const sha256 = known.sha256 ?? await hashFile(matPath, 'sha256', (done, total) => onProgress?.('hash', done, total));
  onProgress?.('read', 0, 1);
  const weights = await readVggMat(matPath, { sha256 });
  weights.source.file = known.file ?? basename(matPath);
  onProgress?.('write', 0, 1);
  await writeWeightCache(outPath, weights);
  onProgress?.('write', 1, 1);
  return weights;
}
