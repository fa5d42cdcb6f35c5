// The data elements of a MATLAB Level 5 MAT-file, parsed from bytes in memory (mat.ts reads the
// file and hands each top-level element here, whole or as a prefix).
import { MatError } from './errors.ts';
import {
  numel, type MatList, type MatStruct, type MatValue, type NumericClass, type NumericData,
} from './mat-types.ts';

const MI_INT8 = 1, MI_UINT8 = 2, MI_UINT16 = 4, MI_INT32 = 5, MI_UINT32 = 6;
export const MI_MATRIX = 14, MI_COMPRESSED = 15;
const MI_UTF8 = 16, MI_UTF16 = 17, MI_UTF32 = 18;
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
export class NeedMore extends Error {}

/** A byte range being parsed, with enough context to say where an error is in the file. */
export interface Region {
  buf: Uint8Array;
  view: DataView;
  le: boolean;
  file: string;
  where(pos: number): string;
  partial?: boolean;
}

interface Tag { type: number; nbytes: number; data: number; next: number }

export function fail(r: Region, pos: number, what: string): never {
  throw new MatError(r.file, `${what} at ${r.where(pos)}`);
}

export function u32(r: Region, pos: number): number {
  return r.view.getUint32(pos, r.le);
}

function i32(r: Region, pos: number): number {
  return r.view.getInt32(pos, r.le);
}

export function region(buf: Uint8Array, le: boolean, file: string, partial: boolean, where: (pos: number) => string): Region {
  return { buf, view: new DataView(buf.buffer, buf.byteOffset, buf.byteLength), le, file, partial, where };
}

/** Bytes as ISO-8859-1 (one char per byte). TextDecoder's "latin1" is windows-1252, which differs at 0x80-0x9f. */
export function latin1(bytes: Uint8Array): string {
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

export function setField(obj: MatStruct, name: string, value: MatValue): void {
  // defineProperty so that a field called "__proto__" is data, not a prototype change
  Object.defineProperty(obj, name, { value, enumerable: true, writable: true, configurable: true });
}

/** Stops reading a top-level cell early; gets the elements read so far. */
export type CellStop = (items: readonly MatValue[]) => boolean;

interface MatrixHeader { cls: number; flags: number; dims: number[]; name: string; next: number }

export function matrixHeader(r: Region, start: number, end: number): MatrixHeader {
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

export function parseMatrix(r: Region, start: number, end: number, until?: CellStop): { name: string; value: MatValue } {
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
