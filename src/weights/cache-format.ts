// The converted weight cache ("TADTW001"): a JSON header and raw little-endian f32 arrays, so
// that loading is one read plus typed-array views. Format described in weights/README.md.
// Host-neutral (bytes in, bytes out; SHA-256 by Web Crypto): Node stores it in a file (cache.ts),
// the web page in the browser's storage.
import { CacheError } from './errors.ts';
import { KERNEL_SIZE, type VggLayer, type VggWeights, type WeightSource } from './vgg.ts';

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
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('weight cache: big-endian hosts are not supported');
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** True when `head` starts with the cache's magic. */
export function isWeightCache(head: Uint8Array): boolean {
  return head.length >= CACHE_MAGIC.length && String.fromCharCode(...head.subarray(0, CACHE_MAGIC.length)) === CACHE_MAGIC;
}

/** The whole cache file for `weights`, and its header. */
export async function encodeWeightCache(weights: VggWeights): Promise<{ header: CacheHeader; bytes: Uint8Array }> {
  assertLittleEndianHost();
  const arrays: Float32Array[] = [];
  let offset = 0;
  const place = (a: Float32Array): number => {
    const at = offset;
    arrays.push(a);
    offset += a.byteLength;
    return at;
  };
  const layers = weights.layers.map((l): CacheLayerEntry => ({
    name: l.name, cin: l.cin, cout: l.cout, kh: KERNEL_SIZE, kw: KERNEL_SIZE, layout: 'HWIO',
    weightOffset: place(l.weight), weightCount: l.weight.length,
    biasOffset: place(l.bias), biasCount: l.bias.length,
  }));
  const data = new Uint8Array(offset);
  let at = 0;
  for (const a of arrays) {
    data.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  const header: CacheHeader = {
    format: CACHE_FORMAT, source: weights.source, synthetic: weights.synthetic, dtype: 'float32',
    byteOrder: 'little', dataOffset: 0, dataBytes: offset, dataSha256: await sha256Hex(data), layers,
  };
  const encoder = new TextEncoder();
  // dataOffset depends on the header's own length; its digits can only grow it, so iterate
  for (let prev = -1; prev !== header.dataOffset;) {
    prev = header.dataOffset;
    header.dataOffset = align(PREFIX + encoder.encode(JSON.stringify(header)).length);
  }
  const json = encoder.encode(JSON.stringify(header));
  const bytes = new Uint8Array(header.dataOffset + data.length);
  bytes.fill(0x20, 0, header.dataOffset); // JSON may be followed by spaces as padding
  bytes.set(encoder.encode(CACHE_MAGIC), 0);
  new DataView(bytes.buffer).setUint32(8, json.length, true);
  bytes.set(json, PREFIX);
  bytes.set(data, header.dataOffset);
  return { header, bytes };
}

function parseHeader(file: string, buf: Uint8Array): CacheHeader {
  const fail = (what: string): CacheError => new CacheError(file, `not a valid weight cache: ${what}`);
  if (buf.length < PREFIX || !isWeightCache(buf)) throw fail(`missing magic "${CACHE_MAGIC}"`);
  const len = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(8, true);
  if (PREFIX + len > buf.length) throw fail(`truncated header (${len} bytes declared, file is ${buf.length} bytes)`);
  let header: CacheHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(buf.subarray(PREFIX, PREFIX + len))) as CacheHeader;
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

function layerFrom(file: string, buf: Uint8Array, header: CacheHeader, e: CacheLayerEntry): VggLayer {
  const view = (offset: number, count: number, what: string): Float32Array => {
    if (!Number.isInteger(offset) || !Number.isInteger(count) || offset < 0 || offset % 4 !== 0 ||
        offset + count * 4 > header.dataBytes) {
      throw new CacheError(file, `not a valid weight cache: layer ${e.name} ${what} lies outside the data`);
    }
    const at = buf.byteOffset + header.dataOffset + offset;
    return at % 4 === 0
      ? new Float32Array(buf.buffer, at, count)
      : new Float32Array(buf.buffer.slice(at, at + count * 4));
  };
  if (e.layout !== 'HWIO' || e.weightCount !== e.kh * e.kw * e.cin * e.cout || e.biasCount !== e.cout) {
    throw new CacheError(file, `not a valid weight cache: layer ${e.name} has inconsistent shape or layout`);
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

/** Decodes a whole cache file; the layers are views into `bytes`. `file` names it in errors. */
export async function decodeWeightCache(bytes: Uint8Array, file: string, opts: ReadCacheOptions = {}): Promise<VggWeights> {
  assertLittleEndianHost();
  const header = parseHeader(file, bytes);
  if (opts.verify !== false && (await sha256Hex(bytes.subarray(header.dataOffset))) !== header.dataSha256) {
    throw new CacheError(file, 'not a valid weight cache: data checksum mismatch (corrupt file)');
  }
  const layers = header.layers.map((e) => layerFrom(file, bytes, header, e));
  return { layers, source: header.source, synthetic: header.synthetic === true };
}
