/**
 * Packs a uniform struct of 32-bit scalars in declaration order, padded to 16 bytes as WGSL's
 * uniform address space requires. Only scalar u32/i32/f32 fields: vectors would need alignment.
 */
export class Uniforms {
  private readonly view: DataView;
  private offset = 0;

  constructor(private readonly fields: number) {
    this.view = new DataView(new ArrayBuffer(Math.max(16, Math.ceil((fields * 4) / 16) * 16)));
  }

  u32(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`u32 uniform ${value}`);
    return this.put((o) => this.view.setUint32(o, value, true));
  }

  i32(value: number): this {
    if (!Number.isInteger(value) || Math.abs(value) > 0x7fffffff) throw new RangeError(`i32 uniform ${value}`);
    return this.put((o) => this.view.setInt32(o, value, true));
  }

  f32(value: number): this {
    return this.put((o) => this.view.setFloat32(o, value, true));
  }

  get bytes(): ArrayBuffer {
    if (this.offset !== this.fields * 4) throw new Error(`uniforms: ${this.offset / 4} of ${this.fields} fields set`);
    return this.view.buffer as ArrayBuffer;
  }

  private put(set: (offset: number) => void): this {
    if (this.offset >= this.fields * 4) throw new RangeError(`uniforms: more than ${this.fields} fields`);
    set(this.offset);
    this.offset += 4;
    return this;
  }
}
