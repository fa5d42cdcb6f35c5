// Plain-JS values produced by the MAT-file reader, and the type guards that tell them apart.
export { MatError } from './errors.ts';

export type NumericClass =
  | 'double' | 'single' | 'logical'
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

export type NumericData =
  | Float64Array | Float32Array | Int8Array | Uint8Array | Int16Array | Uint16Array
  | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/** A numeric or logical array, column-major as stored. `imag` only for complex arrays. */
export interface MatNumeric {
  class: NumericClass;
  dims: number[];
  data: NumericData;
  imag?: NumericData;
}

/** A 1x1 struct. Field order is the file's order. */
export interface MatStruct {
  [field: string]: MatValue;
}

/** A cell array, or a struct array that is not 1x1, column-major over elements. */
export interface MatList<T> extends Array<T> {
  dims: number[];
  matClass: 'cell' | 'struct';
}

/** A char array is a string (one row) or an array of row strings. */
export type MatValue = MatNumeric | string | string[] | MatStruct | MatList<MatValue>;

export function isNumeric(v: MatValue | undefined): v is MatNumeric {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    && ArrayBuffer.isView((v as { data?: unknown }).data)
    && Array.isArray((v as { dims?: unknown }).dims);
}

export function isCell(v: MatValue | undefined): v is MatList<MatValue> {
  return Array.isArray(v) && (v as Partial<MatList<MatValue>>).matClass === 'cell';
}

export function isStructArray(v: MatValue | undefined): v is MatList<MatStruct> {
  return Array.isArray(v) && (v as Partial<MatList<MatValue>>).matClass === 'struct';
}

export function isStruct(v: MatValue | undefined): v is MatStruct {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isNumeric(v);
}

export function numel(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
