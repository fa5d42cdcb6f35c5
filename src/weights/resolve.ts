// Picks the backbone weights for a run: an explicit file, else the installed cache, else
// synthetic weights with a warning the caller must show.
import { existsSync, readSync } from 'node:fs';
import { CACHE_MAGIC, isWeightCache } from './cache-format.ts';
import { convertMatToCache, readWeightCache, type ConvertProgress } from './cache.ts';
import { WeightFileError } from './errors.ts';
import { withFile } from './files.ts';
import { hashFile } from './hash.ts';
import { looksLikeMat } from './mat.ts';
import { defaultCachePath, matCachePath } from './paths.ts';
import { syntheticVggWeights, syntheticWarning } from './synthetic.ts';
import { checkVggLayers, type VggWeights } from './vgg.ts';

export interface ResolveOptions {
  /** A MatConvNet .mat or a converted cache; the type is told by the file's magic, not its name. */
  weights?: string;
  env?: NodeJS.ProcessEnv;
  onProgress?: ConvertProgress;
}

export interface ResolvedWeights {
  weights: VggWeights;
  /** The cache file the weights were loaded from (absent for synthetic weights). */
  path?: string;
  /** Set when the weights are synthetic: print it, loudly. */
  warning?: string;
}

function readHead(path: string): Uint8Array {
  return withFile(path, (msg) => new WeightFileError(path, `cannot open weights: ${msg}`), (fd) => {
    const head = Buffer.alloc(128);
    return head.subarray(0, readSync(fd, head, 0, 128, 0));
  });
}

async function loadCache(path: string): Promise<ResolvedWeights> {
  const weights = await readWeightCache(path);
  checkVggLayers(weights, path);
  return { weights, path };
}

/** A .mat is converted once into the weights dir, keyed by its SHA-256, and read from there after. */
async function fromMat(path: string, opts: ResolveOptions): Promise<ResolvedWeights> {
  const sha256 = await hashFile(path, 'sha256', (done, total) => opts.onProgress?.('hash', done, total));
  const cachePath = matCachePath(sha256, opts.env);
  if (existsSync(cachePath)) {
    try {
      const cached = await loadCache(cachePath);
      if (cached.weights.source.sha256 === sha256) return cached;
    } catch (e) {
      if (!(e instanceof WeightFileError)) throw e; // a bad cache is rebuilt below
    }
  }
  await convertMatToCache(path, cachePath, opts.onProgress, { sha256 });
  return loadCache(cachePath);
}

export async function resolveWeights(opts: ResolveOptions = {}): Promise<ResolvedWeights> {
  if (opts.weights) {
    const head = readHead(opts.weights);
    if (isWeightCache(head)) return loadCache(opts.weights);
    if (looksLikeMat(head)) return fromMat(opts.weights, opts);
    throw new WeightFileError(opts.weights, `neither a MAT-file nor a ${CACHE_MAGIC} weight cache`);
  }
  const installed = defaultCachePath(opts.env);
  if (existsSync(installed)) return loadCache(installed);
  const install = ['Install the real weights with', '  tadt weights download            or', '  tadt weights convert imagenet-vgg-verydeep-16.mat'];
  return { weights: syntheticVggWeights(), warning: syntheticWarning(`looked for ${installed}`, install) };
}
