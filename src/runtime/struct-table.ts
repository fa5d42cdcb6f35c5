import type { Engine } from './engine.ts';
import { type StructLayout, writeFields } from './shader-interface.ts';
import type { Tensor } from './tensor.ts';

/**
 * A storage-buffer array of one of a shader's structs of scalars, an element per item of a batch
 * (a target): the per-item shapes and offsets of a batched kernel, written by field name as its
 * uniforms are, so that a reordered field cannot shift a value silently.
 */
export class StructTable {
  readonly tensor: Tensor<'u32'>;
  private readonly layout: StructLayout;

  /** Reads `struct <struct>` from shaders/<shader>.wgsl and writes `rows` (every field of each). */
  constructor(engine: Engine, shader: string, struct: string, rows: readonly Readonly<Record<string, number>>[]) {
    this.layout = engine.structLayout(shader, struct);
    this.tensor = engine.tensor([Math.max(1, rows.length) * this.layout.fields.length], `${shader} ${struct} table`, 'u32');
    try {
      this.write(rows);
    } catch (e) {
      this.tensor.release();
      throw e;
    }
  }

  /** Rewrites every row; their number is fixed when the table is made. */
  write(rows: readonly Readonly<Record<string, number>>[]): void {
    const stride = this.layout.fields.length * 4;
    if (rows.length * this.layout.fields.length !== this.tensor.size) {
      throw new RangeError(`${this.tensor.label}: ${rows.length} rows for a table of ${this.tensor.size / this.layout.fields.length}`);
    }
    const view = new DataView(new ArrayBuffer(rows.length * stride));
    rows.forEach((row, i) => writeFields(this.layout, view, i * stride, row, true));
    this.tensor.write(new Uint32Array(view.buffer));
  }

  release(): void {
    this.tensor.release();
  }
}
