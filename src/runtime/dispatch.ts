import type { Constants } from './pipeline-cache.ts';
import { type ShaderInterface, writeParams } from './shader-interface.ts';
import type { Tensor } from './tensor.ts';

export type Workgroups = readonly [number, number?, number?];

/**
 * What a kernel asks the engine to prepare. Buffers and uniform fields are given by the names the
 * shader declares (`var<storage> name`, `struct Params { name: u32, ... }`), checked against the
 * shader when the dispatch is made.
 */
export interface DispatchSpec {
  /** Names the op in labels and errors, e.g. "conv2d3x3 conv4_1 winograd gemm". */
  op: string;
  /** A file name in shaders/ (no extension), or inline WGSL with a name for errors. */
  shader: string | { name: string; source: string };
  constants?: Constants;
  /** Every storage binding of the shader, by variable name. */
  buffers: Readonly<Record<string, Tensor | GPUBuffer>>;
  /** Every field of the shader's Params, by name. */
  params?: Readonly<Record<string, number>>;
  workgroups: Workgroups;
  /** Shapes, for error messages: "512x45x45 -> 512x45x45". */
  shapes?: string;
}

/**
 * A dispatch with its pipeline, bind group and uniform buffer built once, so that a per-frame plan
 * replays it without creating GPU objects. Uniform fields may be rewritten by name between runs.
 */
export class Dispatch {
  private readonly view: DataView | null;

  constructor(
    readonly op: string,
    readonly pipeline: GPUComputePipeline,
    readonly bindGroup: GPUBindGroup,
    readonly workgroups: Workgroups,
    private readonly device: GPUDevice,
    private readonly iface: ShaderInterface,
    private readonly uniformBuffer: GPUBuffer | null,
    initial: DataView | null,
  ) {
    this.view = initial;
  }

  /** Rewrites the named uniform fields (the others keep their values). */
  set(values: Readonly<Record<string, number>>): void {
    if (!this.uniformBuffer || !this.view) throw new Error(`${this.op}: ${this.iface.shader} has no Params`);
    writeParams(this.iface, this.view, values, false);
    this.device.queue.writeBuffer(this.uniformBuffer, 0, this.view.buffer as ArrayBuffer);
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
