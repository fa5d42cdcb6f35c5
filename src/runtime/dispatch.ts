import type { Constants } from './pipeline-cache.ts';
import type { Tensor } from './tensor.ts';

export type Workgroups = readonly [number, number?, number?];

/**
 * What a kernel wrapper asks the engine to prepare. Binding convention of every shader in
 * shaders/: the uniform struct (if any) at @group(0) @binding(0), storage buffers at 1, 2, ...
 * in the order given.
 */
export interface DispatchSpec {
  /** Names the op in labels and errors, e.g. "conv2d3x3". */
  op: string;
  /** A file name in shaders/ (no extension), or inline WGSL. */
  shader: string | { source: string };
  constants?: Constants;
  buffers: (Tensor | GPUBuffer)[];
  uniforms?: ArrayBuffer;
  workgroups: Workgroups;
  /** Shapes, for error messages: "512x45x45 -> 512x45x45". */
  shapes?: string;
}

/**
 * A dispatch with its pipeline, bind group and uniform buffer built once, so that a per-frame plan
 * replays it without creating GPU objects. Uniforms may be rewritten between runs.
 */
export class Dispatch {
  constructor(
    readonly op: string,
    readonly pipeline: GPUComputePipeline,
    readonly bindGroup: GPUBindGroup,
    readonly workgroups: Workgroups,
    private readonly device: GPUDevice,
    private readonly uniformBuffer: GPUBuffer | null,
  ) {}

  setUniforms(bytes: ArrayBuffer): void {
    if (!this.uniformBuffer) throw new Error(`${this.op}: this dispatch has no uniforms`);
    if (bytes.byteLength !== this.uniformBuffer.size) {
      throw new RangeError(`${this.op}: uniform size ${bytes.byteLength} != ${this.uniformBuffer.size}`);
    }
    this.device.queue.writeBuffer(this.uniformBuffer, 0, bytes);
  }

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.workgroups[0], this.workgroups[1] ?? 1, this.workgroups[2] ?? 1);
  }

  /** The uniform buffer is owned by the dispatch; storage buffers are not. */
  destroy(): void {
    this.uniformBuffer?.destroy();
  }
}

/** A buffer-to-buffer copy recorded between dispatches of one run. */
export interface CopyStep {
  copy: { from: Tensor | GPUBuffer; to: Tensor | GPUBuffer; bytes: number; fromOffset?: number; toOffset?: number };
}

export type Step = Dispatch | CopyStep;

/**
 * Workgroup counts for `invocations` threads in 1-D workgroups of `size`, folded into y when x
 * would pass WebGPU's 65535 limit. Shaders index with gid.x + gid.y * num_workgroups.x * size.
 */
export function grid1d(invocations: number, size: number): Workgroups {
  const groups = Math.max(1, Math.ceil(invocations / size));
  if (groups <= 65535) return [groups];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y];
}
