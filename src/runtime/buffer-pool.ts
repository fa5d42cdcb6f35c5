/**
 * GPU buffers reused by size class. Classes are 2^k x {1, 1.25, 1.5, 1.75} (at least 256 bytes), so
 * a buffer wastes at most a quarter of its size while tensors of similar size share buffers.
 */
export class BufferPool {
  bytesInUse = 0;
  peakBytesInUse = 0;
  bytesAllocated = 0;
  buffersCreated = 0;
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly all = new Set<GPUBuffer>();

  constructor(private readonly device: GPUDevice) {}

  static sizeClass(byteLength: number): number {
    const n = Math.max(256, Math.ceil(byteLength));
    const pow = 2 ** Math.floor(Math.log2(n));
    for (const step of [1, 1.25, 1.5, 1.75, 2]) if (pow * step >= n) return pow * step;
    return pow * 2;
  }

  acquire(byteLength: number, usage: GPUBufferUsageFlags, label: string): GPUBuffer {
    const size = BufferPool.sizeClass(byteLength);
    const buffer = this.free.get(`${usage}:${size}`)?.pop() ?? this.create(size, usage, label);
    buffer.label = label;
    this.bytesInUse += size;
    this.peakBytesInUse = Math.max(this.peakBytesInUse, this.bytesInUse);
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    if (!this.all.has(buffer)) throw new Error(`buffer "${buffer.label}" does not belong to this pool`);
    const key = `${buffer.usage}:${buffer.size}`;
    const list = this.free.get(key) ?? [];
    if (list.includes(buffer)) throw new Error(`buffer "${buffer.label}" released twice`);
    list.push(buffer);
    this.free.set(key, list);
    this.bytesInUse -= buffer.size;
  }

  destroy(): void {
    for (const buffer of this.all) buffer.destroy();
    this.all.clear();
    this.free.clear();
    this.bytesInUse = 0;
  }

  private create(size: number, usage: GPUBufferUsageFlags, label: string): GPUBuffer {
    const buffer = this.device.createBuffer({ size, usage, label });
    this.all.add(buffer);
    this.bytesAllocated += size;
    this.buffersCreated++;
    return buffer;
  }
}
