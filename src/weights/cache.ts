// The converted weight cache ("TADTW001"): a JSON header and raw little-endian f32 arrays, so
// that loading is one read plus typed-array views. Format described in weights/README.md.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { basename, dirname } from 'node:path';
import { CacheError } from './errors.ts';
import { hashFile } from './hash.ts';
import { KERNEL_SIZE, readVggMat, type VggLayer, type VggWeights, type WeightSource } from './vgg.ts';

export const CACHE_MAGIC = 'TADTW001';
export const CACHE_FORMAT = 1;
const PREFIX = 12; // magic + uint32 header length
const ALIGN = 64;

export interface CacheLayerEntry {
  name: string;
  cin: number;
  cout: number;
  kh: number;
  kw: number;
  layout: 'HWIO';
  /** Byte offsets from the start of the data section, and lengths in f32 elements. */
  weightOffset: number;
  weightCount: number;
  biasOffset: number;
  biasCount: number;
}

export interface CacheHeader {
  format: number;
  source: WeightSource;
  synthetic: boolean;
  dtype: 'float32';
  byteOrder: 'little';
  /** Byte offset of the data section from the start of the file (a multiple of 64). */
  dataOffset: number;
  dataBytes: number;
  /** SHA-256 of the data section. */
  dataSha256: string;
  layers: CacheLayerEntry[];
}

function assertLittleEndianHost(): void {
  if (endianness() !== 'LE') throw new Error('weight cache: big-endian hosts are not supported');
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

function bytesOf(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function buildHeader(weights: VggWeights): { header: CacheHeader; chunks: Buffer[] } {
  const chunks: Buffer[] = [];
  const hash = createHash('sha256');
  let offset = 0;
  const place = (a: Float32Array): number => {
    const at = offset;
    const b = bytesOf(a);
    chunks.push(b);
    hash.update(b);
    offset += b.length;
    return at;
  };
  const layers = weights.layers.map((l): CacheLayerEntry => ({
    name: l.name, cin: l.cin, cout: l.cout, kh: KERNEL_SIZE, kw: KERNEL_SIZE, layout: 'HWIO',
    weightOffset: place(l.weight), weightCount: l.weight.length,
    biasOffset: place(l.bias), biasCount: l.bias.length,
  }));
  const header: CacheHeader = {
    format: CACHE_FORMAT, source: weights.source, synthetic: weights.synthetic, dtype: 'float32',
    byteOrder: 'little', dataOffset: 0, dataBytes: offset, dataSha256: hash.digest('hex'), layers,
  };
  // dataOffset depends on the header's own length; its digits can only grow it, so iterate
  for (let prev = -1; prev !== header.dataOffset;) {
    prev = header.dataOffset;
    header.dataOffset = align(PREFIX + Buffer.byteLength(JSON.stringify(header)));
  }
  return { header, chunks };
}

/** Writes the cache atomically: a temp file next to `path`, then rename; no temp is left on error. */
export function writeWeightCache(path: string, weights: VggWeights): CacheHeader {
  assertLittleEndianHost();
  const { header, chunks } = buildHeader(weights);
  const json = Buffer.from(JSON.stringify(header));
  const head = Buffer.alloc(header.dataOffset, 0x20); // JSON may be followed by spaces as padding
  head.write(CACHE_MAGIC, 0, 'latin1');
  head.writeUInt32LE(json.length, 8);
  json.copy(head, PREFIX);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, Buffer.concat([head, ...chunks]));
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return header;
}

function parseHeader(path: string, buf: Buffer): CacheHeader {
  const fail = (what: string): CacheError => new CacheError(path, `not a valid weight cache: ${what}`);
  if (buf.length < PREFIX || buf.toString('latin1', 0, 8) !== CACHE_MAGIC) {
    throw fail(`missing magic "${CACHE_MAGIC}"`);
  }
  const len = buf.readUInt32LE(8);
  if (PREFIX + len > buf.length) throw fail(`truncated header (${len} bytes declared, file is ${buf.length} bytes)`);
  let header: CacheHeader;
  try {
    header = JSON.parse(buf.toString('utf8', PREFIX, PREFIX + len)) as CacheHeader;
  } catch (e) {
    throw fail(`corrupt JSON header (${(e as Error).message})`);
  }
  if (header?.format !== CACHE_FORMAT) throw fail(`unsupported format ${String(header?.format)}, expected ${CACHE_FORMAT}`);
  if (!Array.isArray(header.layers) || header.layers.some((l) => typeof l !== 'object' || l === null) ||
      typeof header.source !== 'object' || header.source === null ||
      !Number.isInteger(header.dataOffset) || !Number.isInteger(header.dataBytes)) {
    throw fail('header lacks source, layers, dataOffset or dataBytes');
  }
  const expected = header.dataOffset + header.dataBytes;
  if (buf.length !== expected) {
    throw fail(buf.length < expected
      ? `truncated: ${buf.length} bytes, the header describes ${expected}`
      : `${buf.length - expected} unexpected bytes after the data`);
  }
  return header;
}

function layerFrom(path: string, buf: Buffer, header: CacheHeader, e: CacheLayerEntry): VggLayer {
  const view = (offset: number, count: number, what: string): Float32Array => {
    if (!Number.isInteger(offset) || !Number.isInteger(count) || offset < 0 || offset % 4 !== 0 ||
        offset + count * 4 > header.dataBytes) {
      throw new CacheError(path, `not a valid weight cache: layer ${e.name} ${what} lies outside the data`);
    }
    const at = buf.byteOffset + header.dataOffset + offset;
    return at % 4 === 0
      ? new Float32Array(buf.buffer, at, count)
      : new Float32Array(buf.buffer.slice(at, at + count * 4));
  };
  if (e.layout !== 'HWIO' || e.weightCount !== e.kh * e.kw * e.cin * e.cout || e.biasCount !== e.cout) {
    throw new CacheError(path, `not a valid weight cache: layer ${e.name} has inconsistent shape or layout`);
  }
  return {
    name: e.name, cin: e.cin, cout: e.cout,
    weight: view(e.weightOffset, e.weightCount, 'weight'),
    bias: view(e.biasOffset, e.biasCount, 'bias'),
  };
}

export interface ReadCacheOptions {
  /** Check the data section's SHA-256 (about 0.1 s for 30 MB); on by default. */
  verify?: boolean;
}

/** Loads a cache; the layers are views into one buffer holding the whole file. */
export function readWeightCache(path: string, opts: ReadCacheOptions = {}): VggWeights {
  assertLittleEndianHost();
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new CacheError(path, `cannot read weight cache: ${(e as Error).message}`);
  }
  const header = parseHeader(path, buf);
  if (opts.verify !== false) {
    const digest = createHash('sha256').update(buf.subarray(header.dataOffset)).digest('hex');
    if (digest !== header.dataSha256) throw new CacheError(path, 'not a valid weight cache: data checksum mismatch (corrupt file)');
  }
  const layers = header.layers.map((e) => layerFrom(path, buf, header, e));
  return { layers, source: header.source, synthetic: header.synthetic === true };
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
  const weights = readVggMat(matPath, { sha256 });
  weights.source.file = known.file ?? basename(matPath);
  onProgress?.('write', 0, 1);
  writeWeightCache(outPath, weights);
  onProgress?.('write', 1, 1);
  return weights;
}
