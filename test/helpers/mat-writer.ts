// A small MAT-file Level 5 writer for tests, written from the public format description
// independently of the reader, so that reader bugs are not mirrored here.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { sharedPath } from '../../src/eval/shared-data.ts';

const MI = {
  int8: 1, uint8: 2, int16: 3, uint16: 4, int32: 5, uint32: 6, single: 7, double: 9, int64: 12, uint64: 13,
  matrix: 14, compressed: 15, utf8: 16, utf16: 17, utf32: 18,
} as const;
export type StoreType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'single' | 'double';
type NumClass = StoreType | 'logical';

const CLASS_CODE: Record<NumClass, number> = {
  double: 6, single: 7, int8: 8, uint8: 9, int16: 10, uint16: 11, int32: 12, uint32: 13, logical: 9,
};
const STORE: Record<StoreType, { mi: number; ctor: { from(a: ArrayLike<number>): ArrayBufferView } }> = {
  int8: { mi: MI.int8, ctor: Int8Array }, uint8: { mi: MI.uint8, ctor: Uint8Array },
  int16: { mi: MI.int16, ctor: Int16Array }, uint16: { mi: MI.uint16, ctor: Uint16Array },
  int32: { mi: MI.int32, ctor: Int32Array }, uint32: { mi: MI.uint32, ctor: Uint32Array },
  single: { mi: MI.single, ctor: Float32Array }, double: { mi: MI.double, ctor: Float64Array },
};

export type WValue =
  | { kind: 'num'; cls: NumClass; dims: number[]; data: ArrayLike<number>; storeAs: StoreType; imag?: ArrayLike<number> }
  | { kind: 'char'; dims: number[]; text: string; encoding: 'utf8' | 'uint16' }
  | { kind: 'struct'; dims: number[]; fields: string[]; elements: Record<string, WValue>[] }
  | { kind: 'cell'; dims: number[]; items: WValue[] }
  | { kind: 'raw'; bytes: Buffer }
  | { kind: 'empty' };

export function num(cls: NumClass, dims: number[], data: ArrayLike<number>,
  opts: { storeAs?: StoreType; imag?: ArrayLike<number> } = {}): WValue {
  const storeAs = opts.storeAs ?? (cls === 'logical' ? 'uint8' : cls);
  return { kind: 'num', cls, dims, data, storeAs, ...(opts.imag ? { imag: opts.imag } : {}) };
}

export const row = (...values: number[]): WValue => num('double', [1, values.length], values);

/** A 1xN char array, or rows (all the same length) as an MxN one. */
export function char(text: string | string[], encoding: 'utf8' | 'uint16' = 'utf8'): WValue {
  if (typeof text === 'string') return { kind: 'char', dims: [1, [...text].length], text, encoding };
  const cols = text[0]?.length ?? 0;
  let colMajor = '';
  for (let j = 0; j < cols; j++) for (const r of text) colMajor += r[j];
  return { kind: 'char', dims: [text.length, cols], text: colMajor, encoding };
}

export function struct(fields: Record<string, WValue>): WValue {
  return { kind: 'struct', dims: [1, 1], fields: Object.keys(fields), elements: [fields] };
}

export function structArray(dims: number[], fields: string[], elements: Record<string, WValue>[]): WValue {
  return { kind: 'struct', dims, fields, elements };
}

export function cell(dims: number[], items: WValue[]): WValue {
  return { kind: 'cell', dims, items };
}

/** A miMATRIX whose body is given as is (e.g. to write an unsupported class). */
export const rawMatrix = (bytes: Buffer): WValue => ({ kind: 'raw', bytes });
export const emptyMatrix: WValue = { kind: 'empty' };

class Writer {
  constructor(readonly be: boolean) {}

  u32s(values: number[]): Buffer {
    const b = Buffer.alloc(values.length * 4);
    values.forEach((v, i) => (this.be ? b.writeUInt32BE(v >>> 0, i * 4) : b.writeUInt32LE(v >>> 0, i * 4)));
    return b;
  }

  typed(view: ArrayBufferView, size: number): Buffer {
    const b = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
    if (!this.be || size === 1) return b;
    const copy = Buffer.from(b);
    for (let i = 0; i < copy.length; i += size) copy.subarray(i, i + size).reverse();
    return copy;
  }

  /** Tag + data + padding to 8; the 4-byte "small element" form when the data fits and `small`. */
  element(type: number, data: Buffer, small = true): Buffer[] {
    if (small && data.length <= 4) {
      const packed = Buffer.alloc(4);
      data.copy(packed);
      return [this.u32s([(data.length << 16) | type]), packed];
    }
    const pad = Buffer.alloc((8 - (data.length % 8)) % 8);
    return [this.u32s([type, data.length]), data, pad];
  }

  matrix(name: string, v: WValue): Buffer {
    if (v.kind === 'empty') return Buffer.concat(this.element(MI.matrix, Buffer.alloc(0), false));
    if (v.kind === 'raw') return Buffer.concat(this.element(MI.matrix, v.bytes, false));
    const parts: Buffer[] = [];
    const header = (cls: number, flags: number): void => {
      parts.push(...this.element(MI.uint32, this.u32s([cls | flags, 0]), false));
      const dims = Buffer.alloc(v.dims.length * 4);
      v.dims.forEach((d, i) => (this.be ? dims.writeInt32BE(d, i * 4) : dims.writeInt32LE(d, i * 4)));
      parts.push(...this.element(MI.int32, dims, false));
      parts.push(...this.element(MI.int8, Buffer.from(name, 'latin1')));
    };
    switch (v.kind) {
      case 'num': {
        header(CLASS_CODE[v.cls], (v.cls === 'logical' ? 0x200 : 0) | (v.imag ? 0x800 : 0));
        const store = STORE[v.storeAs];
        const size = (store.ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
        parts.push(...this.element(store.mi, this.typed(store.ctor.from(v.data), size)));
        if (v.imag) parts.push(...this.element(store.mi, this.typed(store.ctor.from(v.imag), size)));
        break;
      }
      case 'char': {
        header(4, 0);
        const data = v.encoding === 'utf8'
          ? Buffer.from(v.text, 'utf8')
          : this.typed(Uint16Array.from(v.text, (c) => c.charCodeAt(0)), 2);
        parts.push(...this.element(v.encoding === 'utf8' ? MI.utf8 : MI.uint16, data));
        break;
      }
      case 'struct': {
        header(2, 0);
        const len = Math.max(...v.fields.map((f) => f.length), 0) + 1;
        parts.push(...this.element(MI.int32, this.u32s([len])));
        const names = Buffer.alloc(len * v.fields.length);
        v.fields.forEach((f, i) => names.write(f, i * len, 'latin1'));
        parts.push(...this.element(MI.int8, names));
        for (const el of v.elements) for (const f of v.fields) parts.push(this.matrix('', el[f]!));
        break;
      }
      case 'cell':
        header(1, 0);
        for (const item of v.items) parts.push(this.matrix('', item));
        break;
    }
    return Buffer.concat(this.element(MI.matrix, Buffer.concat(parts), false));
  }
}

export interface WVariable { name: string; value: WValue; compress?: boolean }

export interface MatFileOptions {
  bigEndian?: boolean;
  /** Header version word; 0x0100 for Level 5, 0x0200 to pose as a v7.3 (HDF5) file. */
  version?: number;
  text?: string;
}

export function matFile(vars: WVariable[], opts: MatFileOptions = {}): Buffer {
  const w = new Writer(opts.bigEndian ?? false);
  const head = Buffer.alloc(128, 0x20);
  head.write((opts.text ?? 'MATLAB 5.0 MAT-file, written by the tadt-webgpu test writer').slice(0, 116), 0, 'latin1');
  head.fill(0, 116, 124);
  if (w.be) head.writeUInt16BE(opts.version ?? 0x0100, 124);
  else head.writeUInt16LE(opts.version ?? 0x0100, 124);
  head.write(w.be ? 'MI' : 'IM', 126, 'latin1');
  const parts: Buffer[] = [head];
  for (const v of vars) {
    const m = w.matrix(v.name, v.value);
    if (v.compress) {
      const z = deflateSync(m);
      parts.push(w.u32s([MI.compressed, z.length]), z);
    } else {
      parts.push(m);
    }
  }
  return Buffer.concat(parts);
}

// ---- a MatConvNet simplenn network (conv + relu layers, a pool, meta) ----

export interface ConvSpec { name: string; cin: number; cout: number }

export interface SimplennOptions {
  /** W(ky, kx, ci, co) for layer number `layer` (0-based). */
  value: (layer: number, ky: number, kx: number, ci: number, co: number) => number;
  bias?: (layer: number, co: number) => number;
  /** Store b as [Cout, 1] instead of MatConvNet's usual [1, Cout]. */
  biasColumn?: boolean;
  compress?: boolean;
  /** Replace the W of the named layer (e.g. to give it a wrong shape). */
  override?: Record<string, WValue>;
}

function convW(spec: ConvSpec, layer: number, value: SimplennOptions['value']): Float32Array {
  const w = new Float32Array(9 * spec.cin * spec.cout);
  let i = 0;
  for (let co = 0; co < spec.cout; co++) {
    for (let ci = 0; ci < spec.cin; ci++) {
      for (let kx = 0; kx < 3; kx++) for (let ky = 0; ky < 3; ky++) w[i++] = value(layer, ky, kx, ci, co);
    }
  }
  return w;
}

export function simplenn(specs: readonly ConvSpec[], opts: SimplennOptions): Buffer {
  const layers: WValue[] = [];
  specs.forEach((spec, l) => {
    const b = Float32Array.from({ length: spec.cout }, (_, co) => opts.bias?.(l, co) ?? 0);
    const W = opts.override?.[spec.name] ?? num('single', [3, 3, spec.cin, spec.cout], convW(spec, l, opts.value));
    layers.push(struct({
      name: char(spec.name), type: char('conv'),
      weights: cell([1, 2], [W, num('single', opts.biasColumn ? [spec.cout, 1] : [1, spec.cout], b)]),
      size: row(3, 3, spec.cin, spec.cout), pad: row(1, 1, 1, 1), stride: row(1, 1),
      precious: num('logical', [1, 1], [0]), dilate: row(1, 1), opts: cell([0, 0], []),
    }));
    layers.push(struct({
      name: char(spec.name.replace('conv', 'relu')), type: char('relu'), leak: row(0),
      weights: cell([0, 0], []), precious: num('logical', [1, 1], [0]),
    }));
    if (l === 1) {
      layers.push(struct({ name: char('pool1'), type: char('pool'), method: char('max'), pool: row(2, 2), weights: cell([0, 0], []) }));
    }
  });
  const meta = struct({
    inputs: struct({ name: char('data'), size: row(224, 224, 3, 10) }),
    normalization: struct({ averageImage: num('single', [1, 1, 3], [123.68, 116.779, 103.939]), interpolation: char('bilinear') }),
  });
  // meta first, unlike MatConvNet, so that readers must skip a variable to get to layers
  return matFile([
    { name: 'meta', value: meta, compress: opts.compress },
    { name: 'layers', value: cell([1, layers.length], layers), compress: opts.compress },
  ]);
}

// ---- files the weight tests share ----

/** The third-party (scipy-written) synthetic VGG file; throws, naming where it is expected, if missing. */
export function sharedWeightsMat(): string {
  return sharedPath('weights', 'vgg16-synthetic-conv4.mat');
}

/** SHA-256 of the shared file, from shared/weights/README.md. */
export const SHARED_MAT_SHA256 = '53290c8e35299980c56466aa0de4ab3cd4b5886e4bec9aa00f53560a567fc796';
/** numpy: sha256 over its layers conv1_1..conv4_3 of W[ky,kx,ci,co] in C order as <f4, then b. */
export const SHARED_HWIO_SHA256 = '844e69cd427f1686970c56327c8697ef8b60f017a62d94cc655496352bad5b14';

export function writeIn(dir: string, name: string, content: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

