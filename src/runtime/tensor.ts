import type { Engine } from './engine.ts';

export type DType = 'f32' | 'u32' | 'i32' | 'u8';
export type TypedArrayFor<D extends DType> = D extends 'f32'
  ? Float32Array
  : D extends 'u32'
    ? Uint32Array
    : D extends 'i32'
      ? Int32Array
      : Uint8Array;

const BYTES: Record<DType, number> = { f32: 4, u32: 4, i32: 4, u8: 1 };
const ARRAYS = { f32: Float32Array, u32: Uint32Array, i32: Int32Array, u8: Uint8Array };

/**
 * A dense tensor in a pooled GPU storage buffer. u8 tensors (RGB frames) are read by shaders as
 * packed u32 words; their buffer is padded to a multiple of 4 bytes.
 */
export class Tensor<D extends DType = DType> {
  readonly size: number;
  private released = false;

  constructor(
    readonly engine: Engine,
    readonly shape: readonly number[],
    readonly dtype: D,
    readonly buffer: GPUBuffer,
    readonly label: string,
  ) {
    this.size = shape.reduce((a, b) => a * b, 1);
  }

  get byteLength(): number {
    return this.size * BYTES[this.dtype];
  }

  /** Writes `data` starting at element `offset`. Any length, including ones that are not whole words. */
  write(data: TypedArrayFor<D>, offset = 0): void {
    if (offset + data.length > this.size) {
      throw new RangeError(`${this.label}: writing ${data.length} elements at ${offset} overflows ${this.size}`);
    }
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const byteOffset = offset * BYTES[this.dtype];
    if (byteOffset % 4 !== 0) throw new RangeError(`${this.label}: write offset must be word aligned`);
    // queue.writeBuffer needs a multiple of 4 bytes: pad the tail.
    const padded = bytes.byteLength % 4 === 0 ? bytes : padTo4(bytes);
    this.engine.device.queue.writeBuffer(this.buffer, byteOffset, padded as Uint8Array<ArrayBuffer>);
  }

  async read(): Promise<TypedArrayFor<D>> {
    const bytes = await this.engine.readBytes(this.buffer, 0, this.byteLength, this.label);
    return new ARRAYS[this.dtype](bytes.buffer as ArrayBuffer, 0, this.size) as TypedArrayFor<D>;
  }

  get isReleased(): boolean {
    return this.released;
  }

  /** Returns the buffer to the pool; the tensor must not be used afterwards. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.engine.pool.release(this.buffer);
  }
}

function padTo4(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
  out.set(bytes);
  return out;
}

export function bytesPerElement(dtype: DType): number {
  return BYTES[dtype];
}
