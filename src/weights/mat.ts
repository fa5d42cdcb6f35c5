// Reader for MATLAB Level 5 MAT-files (the format MATLAB's `save -v6` / `-v7` and scipy.io.savemat
// write), written from MathWorks' public format description. v7.3 files are HDF5 and not handled.
// Host-neutral: it reads a Blob (a browser File, or Node's fs.openAsBlob, see mat-file.ts) in
// ranges, and inflates compressed elements with the standard DecompressionStream.
import { MatError } from './errors.ts';
import {
  numel, type MatList, type MatStruct, type MatValue, type NumericClass, type NumericData,
} from './mat-types.ts';

export * from './mat-types.ts';

const MI_INT8 = 1, MI_UINT8 = 2, MI_UINT16 = 4, MI_INT32 = 5, MI_UINT32 = 6;
const MI_MATRIX = 14, MI_COMPRESSED = 15, MI_UTF8 = 16, MI_UTF16 = 17, MI_UTF32 = 18;
const MX_CELL = 1, MX_STRUCT = 2, MX_CHAR = 4;
const FLAG_LOGICAL = 0x200, FLAG_COMPLEX = 0x800;

type TypedCtor = { new (buffer: ArrayBuffer): NumericData; new (length: number): NumericData; BYTES_PER_ELEMENT: number };

const MI_TYPES: Record<number, TypedCtor> = {
  1: Int8Array, 2: Uint8Array, 3: Int16Array, 4: Uint16Array, 5: Int32Array, 6: Uint32Array,
  7: Float32Array, 9: Float64Array, 12: BigInt64Array, 13: BigUint64Array,
};

const NUMERIC_CLASSES: Record<number, [NumericClass, TypedCtor]> = {
  6: ['double', Float64Array], 7: ['single', Float32Array], 8: ['int8', Int8Array],
  9: ['uint8', Uint8Array], 10: ['int16', Int16Array], 11: ['uint16', Uint16Array],
  12: ['int32', Int32Array], 13: ['uint32', Uint32Array], 14: ['int64', BigInt64Array],
  15: ['uint64', BigUint64Array],
};

const UNSUPPORTED_CLASSES: Record<number, string> = {
  3: 'mxOBJECT (MATLAB object)', 5: 'mxSPARSE (sparse matrix)', 16: 'mxFUNCTION (function handle)',
  17: 'mxOPAQUE (MATLAB class instance)',
};

/** Thrown inside a partially decompressed region to ask for more bytes; never escapes. */
class NeedMore extends Error {}

/** A byte range being parsed, with enough context to say where an error is in the file. */
interface Region {
  buf: Uint8Array;
  view: DataView;
  le: boolean;
  file: string;
  where(pos: number): string;
  partial?: boolean;
}

interface Tag { type: number; nbytes: number; data: number; next: number }

function fail(r: Region, pos: number, what: string): never {
  throw new MatError(r.file, `${what} at ${r.where(pos)}`);
}

function u32(r: Region, pos: number): number {
  return r.view.getUint32(pos, r.le);
}

function i32(r: Region, pos: number): number {
  return r.view.getInt32(pos, r.le);
}

function region(buf: Uint8Array, le: boolean, file: string, partial: boolean, where: (pos: number) => string): Region {
  return { buf, view: new DataView(buf.buffer, buf.byteOffset, buf.byteLength), le, file, partial, where };
}

/** Bytes as ISO-8859-1 (one char per byte). TextDecoder's "latin1" is windows-1252, which differs at 0x80-0x9f. */
function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/** `size`-byte code units as one string each, read in the file's byte order. */
function codeUnits(r: Region, bytes: Uint8Array, size: 2 | 4): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let s = '';
  for (let i = 0; i + size <= bytes.length; i += size) {
    s += size === 2 ? String.fromCharCode(view.getUint16(i, r.le)) : String.fromCodePoint(view.getUint32(i, r.le));
  }
  return s;
}

function readTag(r: Region, pos: number, end: number): Tag {
  if (pos + 8 > end) {
    if (r.partial) throw new NeedMore();
    fail(r, pos, `truncated data element (tag needs 8 bytes, ${Math.max(0, end - pos)} left)`);
  }
  const first = u32(r, pos);
  if (first >>> 16 !== 0) {
    // small data element: 2-byte size, 2-byte type, then up to 4 bytes of data in the tag itself
    const nbytes = first >>> 16;
    if (nbytes > 4) fail(r, pos, `corrupt small data element (${nbytes} bytes declared, max 4)`);
    return { type: first & 0xffff, nbytes, data: pos + 4, next: pos + 8 };
  }
  const nbytes = u32(r, pos + 4);
  const data = pos + 8;
  if (data + nbytes > end) {
    if (r.partial) throw new NeedMore();
    fail(r, pos, `truncated data element (type ${first}, declares ${nbytes} bytes, ${end - data} left)`);
  }
  return { type: first, nbytes, data, next: data + Math.ceil(nbytes / 8) * 8 };
}

function expectType(r: Region, pos: number, tag: Tag, types: number[], what: string): void {
  if (!types.includes(tag.type)) fail(r, pos, `${what}: unexpected data type ${tag.type}`);
}

function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}

/** Copies the element's data into a fresh typed array of the class's type, converting if stored smaller. */
function numericData(r: Region, pos: number, tag: Tag, ctor: TypedCtor, count: number): NumericData {
  const stored = MI_TYPES[tag.type];
  if (!stored) fail(r, pos, `unsupported numeric data type ${tag.type}`);
  if (tag.nbytes !== count * stored.BYTES_PER_ELEMENT) {
    fail(r, pos, `numeric data holds ${tag.nbytes} bytes, expected ${count} x ${stored.BYTES_PER_ELEMENT}`);
  }
  const start = r.buf.byteOffset + tag.data;
  const bytes = r.buf.buffer.slice(start, start + tag.nbytes) as ArrayBuffer;
  if (!r.le && stored.BYTES_PER_ELEMENT > 1) swapBytes(new Uint8Array(bytes), stored.BYTES_PER_ELEMENT);
  const raw = new stored(bytes);
  if (stored === ctor) return raw;
  const out = new ctor(count);
  const rawBig = typeof raw[0] === 'bigint', outBig = out instanceof BigInt64Array || out instanceof BigUint64Array;
  if (count === 0 || rawBig === outBig) {
    (out as { set(a: ArrayLike<number | bigint>): void }).set(raw);
  } else {
    const dst = out as unknown as (number | bigint)[];
    for (let i = 0; i < count; i++) {
      const v = Number(raw[i]);
      dst[i] = outBig ? BigInt(Math.trunc(v)) : v;
    }
  }
  return out;
}

function decodeChars(r: Region, pos: number, tag: Tag): string {
  const bytes = r.buf.subarray(tag.data, tag.data + tag.nbytes);
  switch (tag.type) {
    case MI_UTF8: return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    case MI_INT8: case MI_UINT8: return latin1(bytes);
    case MI_UINT16: case MI_UTF16: return codeUnits(r, bytes, 2);
    case MI_UTF32: case MI_INT32: case MI_UINT32: return codeUnits(r, bytes, 4);
    default: return fail(r, pos, `unsupported character data type ${tag.type}`);
  }
}

function charValue(r: Region, pos: number, tag: Tag, dims: number[]): string | string[] {
  const chars = Array.from(decodeChars(r, pos, tag));
  const rows = dims[0] ?? 0;
  if (rows <= 1) return chars.join('');
  const cols = chars.length / rows;
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    let s = '';
    for (let j = 0; j < cols; j++) s += chars[i + j * rows];
    out.push(s);
  }
  return out;
}

function listOf<T>(items: T[], dims: number[], matClass: 'cell' | 'struct'): MatList<T> {
  return Object.assign(items, { dims, matClass });
}

function setField(obj: MatStruct, name: string, value: MatValue): void {
  // defineProperty so that a field called "__proto__" is data, not a prototype change
  Object.defineProperty(obj, name, { value, enumerable: true, writable: true, configurable: true });
}

/** Stops reading a top-level cell early; gets the elements read so far. */
export type CellStop = (items: readonly MatValue[]) => boolean;

interface MatrixHeader { cls: number; flags: number; dims: number[]; name: string; next: number }

function matrixHeader(r: Region, start: number, end: number): MatrixHeader {
  const flagsTag = readTag(r, start, end);
  expectType(r, start, flagsTag, [MI_UINT32], 'array flags');
  if (flagsTag.nbytes < 8) fail(r, start, 'array flags element shorter than 8 bytes');
  const flags = u32(r, flagsTag.data);
  const dimsTag = readTag(r, flagsTag.next, end);
  expectType(r, flagsTag.next, dimsTag, [MI_INT32], 'dimensions');
  const dims: number[] = [];
  for (let p = dimsTag.data; p < dimsTag.data + dimsTag.nbytes; p += 4) dims.push(i32(r, p));
  if (dims.some((d) => d < 0)) fail(r, flagsTag.next, `negative dimension [${dims.join(',')}]`);
  const nameTag = readTag(r, dimsTag.next, end);
  expectType(r, dimsTag.next, nameTag, [MI_INT8, MI_UINT8], 'array name');
  const name = latin1(r.buf.subarray(nameTag.data, nameTag.data + nameTag.nbytes));
  return { cls: flags & 0xff, flags, dims, name, next: nameTag.next };
}

function subMatrix(r: Region, pos: number, end: number): [MatValue, number] {
  const tag = readTag(r, pos, end);
  expectType(r, pos, tag, [MI_MATRIX], 'array element');
  return [parseMatrix(r, tag.data, tag.data + tag.nbytes).value, tag.next];
}

function structValue(r: Region, h: MatrixHeader, end: number): MatValue {
  const lenTag = readTag(r, h.next, end);
  expectType(r, h.next, lenTag, [MI_INT32], 'field name length');
  const fieldLen = i32(r, lenTag.data);
  const namesTag = readTag(r, lenTag.next, end);
  expectType(r, lenTag.next, namesTag, [MI_INT8, MI_UINT8], 'field names');
  const fields: string[] = [];
  for (let p = namesTag.data; fieldLen > 0 && p + fieldLen <= namesTag.data + namesTag.nbytes; p += fieldLen) {
    const raw = r.buf.subarray(p, p + fieldLen);
    const nul = raw.indexOf(0);
    fields.push(latin1(raw.subarray(0, nul < 0 ? raw.length : nul)));
  }
  const items: MatStruct[] = [];
  let pos = namesTag.next;
  for (let e = 0; e < numel(h.dims); e++) {
    const obj: MatStruct = {};
    for (const f of fields) {
      const [value, next] = subMatrix(r, pos, end);
      setField(obj, f, value);
      pos = next;
    }
    items.push(obj);
  }
  return numel(h.dims) === 1 && h.dims.length === 2 ? items[0]! : listOf(items, h.dims, 'struct');
}

function parseMatrix(r: Region, start: number, end: number, until?: CellStop): { name: string; value: MatValue } {
  // MATLAB writes an empty array (e.g. an unset cell) as a miMATRIX with no bytes at all
  if (start === end) return { name: '', value: { class: 'double', dims: [0, 0], data: new Float64Array(0) } };
  const h = matrixHeader(r, start, end);
  const count = numel(h.dims);
  if (h.cls === MX_STRUCT) return { name: h.name, value: structValue(r, h, end) };
  if (h.cls === MX_CELL) {
    const items: MatValue[] = [];
    let pos = h.next;
    for (let i = 0; i < count; i++) {
      const [value, next] = subMatrix(r, pos, end);
      items.push(value);
      pos = next;
      if (until?.(items)) break;
    }
    return { name: h.name, value: listOf(items, h.dims, 'cell') };
  }
  if (h.cls === MX_CHAR) return { name: h.name, value: charValue(r, h.next, readTag(r, h.next, end), h.dims) };
  const numeric = NUMERIC_CLASSES[h.cls];
  if (!numeric) {
    fail(r, start, `unsupported array class ${UNSUPPORTED_CLASSES[h.cls] ?? h.cls} in variable "${h.name}"`);
  }
  const [className, ctor] = numeric;
  const realTag = readTag(r, h.next, end);
  const data = numericData(r, h.next, realTag, ctor, count);
  const isLogical = (h.flags & FLAG_LOGICAL) !== 0;
  const value = { class: isLogical ? 'logical' as const : className, dims: h.dims, data };
  if ((h.flags & FLAG_COMPLEX) === 0) return { name: h.name, value };
  const imag = numericData(r, realTag.next, readTag(r, realTag.next, end), ctor, count);
  return { name: h.name, value: { ...value, imag } };
}

async function readRange(blob: Blob, pos: number, len: number): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(pos, pos + len).arrayBuffer());
}

/** A growing byte array: the (inflated) prefix of an element read so far. */
class Prefix {
  bytes = new Uint8Array(1 << 16);
  length = 0;

  push(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(2 * this.bytes.length, this.length + chunk.length));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
  }

  get view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

interface TopElement { type: number; at: number; data: number; nbytes: number }

/** The element's parse region from the bytes read so far: the raw matrix, or the inflated miMATRIX. */
function elementRegion(file: string, el: TopElement, le: boolean, buf: Uint8Array, partial: boolean): [Region, number, number] {
  if (el.type === MI_MATRIX) return [region(buf, le, file, partial, (p) => `byte offset ${el.data + p}`), 0, buf.length];
  const r = region(buf, le, file, partial, (p) => `byte offset ${p} of the data decompressed from the element at byte offset ${el.at}`);
  // the compressed stream holds one miMATRIX element; its tag may lie beyond a partial inflate
  if (buf.length <= 8) {
    if (partial) throw new NeedMore();
    if (buf.length < 8) throw new MatError(file, `empty compressed element at byte offset ${el.at}`);
  }
  if (u32(r, 0) !== MI_MATRIX) fail(r, 0, `compressed element holds data type ${u32(r, 0)}, not miMATRIX`);
  const end = 8 + u32(r, 4);
  if (end > buf.length && !partial) fail(r, 0, `truncated data element (declares ${end - 8} bytes, ${buf.length - 8} left)`);
  return [r, 8, Math.min(end, buf.length)];
}

/**
 * Runs `parse` on the element's matrix as its bytes stream in (inflated on the way for a compressed
 * element): first on a prefix of `first` bytes, then 4x more each time the parse runs out, and
 * stops reading the file as soon as a parse succeeds, so that a header or the first elements of a
 * large cell cost little. With `first >= nbytes` it parses once, at the end.
 */
async function withPrefix<T>(file: string, blob: Blob, el: TopElement, le: boolean, first: number,
  parse: (r: Region, start: number, end: number) => T, onRead?: (bytes: number) => void): Promise<T> {
  const raw: ReadableStream<Uint8Array> = blob.slice(el.data, el.data + el.nbytes).stream();
  const body = onRead ? raw.pipeThrough(counter(onRead)) : raw;
  const compressed = el.type === MI_COMPRESSED;
  // Cast: DOM and Node type DecompressionStream's writable side differently (BufferSource vs Uint8Array).
  const inflate = new DecompressionStream('deflate') as unknown as TransformStream<Uint8Array, Uint8Array>;
  const reader = (compressed ? body.pipeThrough(inflate) : body).getReader();
  const prefix = new Prefix();
  let want = first;
  try {
    for (;;) {
      const next = await reader.read().catch((e: Error) => {
        const what = compressed ? 'corrupt compressed element' : 'cannot read the element';
        throw new MatError(file, `${what} at byte offset ${el.at}: ${e.message}`);
      });
      if (next.value) prefix.push(next.value);
      if (!next.done && prefix.length < want) continue;
      try {
        const [r, start, end] = elementRegion(file, el, le, prefix.view, !next.done);
        return parse(r, start, end);
      } catch (e) {
        if (!(e instanceof NeedMore) || next.done) throw e;
        want = 4 * Math.max(want, prefix.length);
      }
    }
  } finally {
    // Stops the file read and the inflater when the parse needed only a prefix.
    void reader.cancel().catch(() => undefined);
  }
}

/** Passes bytes through, reporting each chunk's size. */
function counter(onRead: (bytes: number) => void): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      onRead(chunk.length);
      controller.enqueue(chunk);
    },
  });
}

async function readHeader(file: string, blob: Blob): Promise<boolean> {
  if (blob.size < 128) throw new MatError(file, `not a MAT-file: ${blob.size} bytes, shorter than the 128-byte header`);
  const h = await readRange(blob, 0, 128);
  const endian = latin1(h.subarray(126, 128));
  if (endian !== 'IM' && endian !== 'MI') {
    throw new MatError(file, 'not a MAT-file: no Level 5 header (endian indicator "IM"/"MI" missing at byte 126)');
  }
  const le = endian === 'IM';
  const version = new DataView(h.buffer).getUint16(124, le);
  if (version === 0x0200) {
    throw new MatError(file, 'MAT-file v7.3 (HDF5) is not supported; re-save it with save(..., \'-v7\')');
  }
  if (version !== 0x0100) throw new MatError(file, `unsupported MAT-file version 0x${version.toString(16)}`);
  return le;
}

export interface ReadMatOptions {
  /** Read only these top-level variables; the others are skipped without being decompressed. */
  variables?: readonly string[];
  /**
   * For top-level cell variables: stop reading elements once this returns true. The list then
   * holds only that prefix (its `dims` stay as stored), and for a compressed variable only the
   * bytes up to there are read and inflated.
   */
  until?: CellStop;
  /** Told the size of each chunk read from the file for the variables parsed (progress). */
  onRead?: (bytes: number) => void;
}

/** First prefix tried by an `until` read: big enough for small files to need one pass. */
const FIRST_PREFIX = 1 << 23;

/**
 * Reads a MAT-file's top-level variables (all, or `opts.variables`, which must all exist) from a
 * Blob, reading only the byte ranges it needs; `file` names it in errors.
 */
export async function readMatBlob(blob: Blob, file: string, opts: ReadMatOptions = {}): Promise<Record<string, MatValue>> {
  const le = await readHeader(file, blob);
  const wanted = opts.variables ? new Set(opts.variables) : undefined;
  const out: Record<string, MatValue> = {};
  const seen: string[] = [];
  for (let pos = 128; pos < blob.size;) {
    if (blob.size - pos < 8) throw new MatError(file, `truncated element tag at byte offset ${pos}`);
    const tag = new DataView((await readRange(blob, pos, 8)).buffer);
    const type = tag.getUint32(0, le);
    const nbytes = tag.getUint32(4, le);
    const el: TopElement = { type, at: pos, data: pos + 8, nbytes };
    if (el.data + nbytes > blob.size) {
      throw new MatError(file, `truncated element at byte offset ${pos}: declares ${nbytes} bytes, ` +
        `${blob.size - el.data} left in the file`);
    }
    pos = type === MI_COMPRESSED ? el.data + nbytes : el.data + Math.ceil(nbytes / 8) * 8;
    if (type !== MI_MATRIX && type !== MI_COMPRESSED) continue;
    if (wanted) {
      const name = await withPrefix(file, blob, el, le, 512, (r, start, end) => matrixHeader(r, start, end).name);
      seen.push(name);
      if (!wanted.has(name)) continue;
    }
    const first = opts.until ? FIRST_PREFIX : el.nbytes;
    const { name, value } = await withPrefix(file, blob, el, le, first, (r, start, end) => parseMatrix(r, start, end, opts.until), opts.onRead);
    if (!wanted) seen.push(name);
    setField(out, name, value);
  }
  const missing = [...(wanted ?? [])].filter((v) => !Object.hasOwn(out, v));
  if (missing.length) {
    throw new MatError(file, `no variable ${missing.map((m) => `"${m}"`).join(', ')} ` +
      `(the file holds: ${seen.length ? seen.join(', ') : 'nothing'})`);
  }
  return out;
}

/** Same as readMatBlob, from bytes already in memory; `name` is used in error messages. */
export function parseMat(bytes: Uint8Array, name: string, opts: ReadMatOptions = {}): Promise<Record<string, MatValue>> {
  return readMatBlob(new Blob([bytes as Uint8Array<ArrayBuffer>]), name, opts);
}

/** True when the bytes start like a Level 5 MAT-file header (any version). */
export function looksLikeMat(head: Uint8Array): boolean {
  if (head.length < 128) return false;
  const endian = latin1(head.subarray(126, 128));
  return endian === 'IM' || endian === 'MI';
}
