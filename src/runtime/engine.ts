import { BufferPool } from './buffer-pool.ts';
import { Dispatch, type DispatchSpec, type Step } from './dispatch.ts';
import { bindingEntries, encodeStages, type StageTimestamps } from './encode.ts';
import { GpuError, withErrorScopes } from './errors.ts';
import { deviceLimits, type LimitsPolicy } from './limits.ts';
import { PipelineCache } from './pipeline-cache.ts';
import { expandIncludes } from './shader-include.ts';
import { parseStruct, type ShaderInterface, shaderInterface, type StructLayout, writeParams } from './shader-interface.ts';
import { bytesPerElement, type DType, Tensor } from './tensor.ts';

/** The WGSL source of a shader by its file name in shaders/ (no extension): read from disk in Node, bundled in the browser. */
export type ShaderSource = (name: string) => string;

/** What both hosts accept; Node adds adapter and backend selection (host/node-engine.ts). */
export interface EngineOptions {
  powerPreference?: GPUPowerPreference;
  /** 'adapter' (default): the adapter's own limits; 'default': WebGPU's defaults, as a browser on a GPU gives. */
  limits?: LimitsPolicy;
}

export interface AdapterReport {
  vendor: string;
  architecture: string;
  description: string;
  /** A CPU implementation (llvmpipe/lavapipe, SwiftShader): kernels pick their CPU-friendly variant. */
  software: boolean;
  features: string[];
  /** Lanes per subgroup (smallest the adapter may use), or 0 without the subgroups feature on the device. */
  subgroupSize: number;
}

const OPTIONAL_FEATURES = ['timestamp-query', 'shader-f16', 'subgroups'] as GPUFeatureName[];

/**
 * Opens a device on `adapter` with the optional features it has and the limits `policy` asks for,
 * and wraps it in an Engine. `gpu` is the host's GPU object (navigator.gpu, or Dawn's instance).
 */
export async function engineOnAdapter(gpu: GPU, adapter: GPUAdapter, shaders: ShaderSource, policy: LimitsPolicy = 'adapter'): Promise<Engine> {
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({ label: 'tadt', requiredLimits: deviceLimits(adapter, policy), requiredFeatures });
  return new Engine(gpu, adapter, device, shaders);
}

/**
 * Owns the GPU instance, adapter and device for as long as anything made from them lives. In Node,
 * Dawn's instance is freed when its JS object is garbage-collected, and a device that outlives it
 * crashes the process a few allocations later, so the instance is a field here, not a local.
 */
export class Engine {
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  readonly adapterReport: AdapterReport;
  private readonly dispatches = new Set<Dispatch>();
  private readonly staging: GPUBuffer[] = [];
  private readonly pendingMaps = new Set<Promise<unknown>>();
  private lostMessage: string | null = null;
  private destroyed = false;
  private timestampQueries: StageTimestamps | null = null;
  private readonly interfaces = new Map<string, ShaderInterface>();

  constructor(
    private readonly gpu: GPU,
    readonly adapter: GPUAdapter,
    readonly device: GPUDevice,
    private readonly shaders: ShaderSource,
  ) {
    this.pool = new BufferPool(device);
    this.pipelines = new PipelineCache(device);
    const info = adapter.info;
    const text = `${info.vendor} ${info.architecture} ${info.description}`.toLowerCase();
    this.adapterReport = {
      vendor: info.vendor,
      architecture: info.architecture,
      description: info.description,
      software: /llvmpipe|lavapipe|swiftshader|software/.test(text),
      features: [...device.features].sort(),
      subgroupSize: device.features.has('subgroups') ? (info.subgroupMinSize ?? 0) : 0,
    };
    void device.lost.then((lost) => {
      if (!this.destroyed) this.lostMessage = `device lost (${lost.reason}): ${lost.message}`;
    });
  }

  /** "llvmpipe (mesa, Mesa 25.0.7 ...)": how results name the device that produced them. */
  get adapterName(): string {
    const { vendor, architecture, description } = this.adapterReport;
    return [description || architecture, vendor && `(${vendor}${architecture ? ` ${architecture}` : ''})`]
      .filter(Boolean)
      .join(' ');
  }

  get hasTimestamps(): boolean {
    return this.device.features.has('timestamp-query');
  }

  /** Keeps the instance reachable from the engine (see the class comment). */
  get instance(): GPU {
    return this.gpu;
  }

  tensor<D extends DType = 'f32'>(shape: readonly number[], label: string, dtype: D = 'f32' as D): Tensor<D> {
    this.assertUsable(label);
    const numel = shape.reduce((a, b) => a * b, 1);
    if (!Number.isInteger(numel) || numel < 0) throw new RangeError(`${label}: bad shape [${shape}]`);
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const buffer = this.pool.acquire(Math.max(4, numel * bytesPerElement(dtype)), usage, label);
    return new Tensor(this, shape, dtype, buffer, label);
  }

  /** A tensor filled from `data`. */
  upload<D extends DType>(shape: readonly number[], label: string, dtype: D, data: Parameters<Tensor<D>['write']>[0]) {
    const t = this.tensor(shape, label, dtype);
    if (data.length !== t.size) throw new RangeError(`${label}: ${data.length} values for shape [${shape}]`);
    t.write(data);
    return t;
  }

  /** Builds pipeline, bind group and uniform buffer once; see Dispatch. */
  async prepare(spec: DispatchSpec): Promise<Dispatch> {
    this.assertUsable(spec.op);
    const [shaderName, source] =
      typeof spec.shader === 'string' ? [spec.shader, expandIncludes(spec.shader, this.shaders(spec.shader), this.shaders)] : [spec.shader.name, spec.shader.source];
    const iface = this.shaderInterface(shaderName, source);
    const what = spec.shapes ? `${spec.op} ${spec.shapes}` : spec.op;
    const entries = bindingEntries(iface, spec.buffers, what);
    let initial: DataView | null = null;
    if (iface.uniformBinding !== null) {
      initial = new DataView(new ArrayBuffer(iface.paramsBytes));
      writeParams(iface, initial, spec.params ?? {}, true);
    } else if (spec.params && Object.keys(spec.params).length > 0) {
      throw new RangeError(`${shaderName}: has no Params, but ${Object.keys(spec.params).join(', ')} given`);
    }
    const pipeline = await this.pipelines.get(spec.op, source, spec.constants);
    return withErrorScopes(this.device, what, () => {
      let uniformBuffer: GPUBuffer | null = null;
      if (initial && iface.uniformBinding !== null) {
        uniformBuffer = this.device.createBuffer({
          label: `${spec.op} uniforms`,
          size: initial.byteLength,
          usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
        });
        this.device.queue.writeBuffer(uniformBuffer, 0, initial.buffer as ArrayBuffer);
        entries.push({ binding: iface.uniformBinding, resource: { buffer: uniformBuffer } });
      }
      const bindGroup = this.device.createBindGroup({ label: spec.op, layout: pipeline.getBindGroupLayout(0), entries });
      const dispatch = new Dispatch(spec.op, pipeline, bindGroup, spec.workgroups, this.device, iface, uniformBuffer, initial);
      this.dispatches.add(dispatch);
      return dispatch;
    });
  }

  /** The fields of `struct <struct>` in shaders/<shader>.wgsl, for a table written by field name (StructTable). */
  structLayout(shader: string, struct: string): StructLayout {
    const fields = parseStruct(shader, this.shaders(shader), struct);
    if (fields.length === 0) throw new RangeError(`${shader}: declares no struct ${struct}`);
    return { shader, struct, fields };
  }

  /** Frees a dispatch's uniform buffer when a plan is rebuilt. */
  discard(dispatch: Dispatch): void {
    if (this.dispatches.delete(dispatch)) dispatch.destroy();
  }

  /**
   * Records all steps into one command encoder (consecutive dispatches share a compute pass) and
   * submits once. With `timing` and a timestamp-capable adapter, resolves to the GPU time in ms.
   */
  async run(steps: readonly Step[], options: { label?: string; timing?: boolean } = {}): Promise<number | null> {
    const times = await this.record([steps], options.label, options.timing ?? false);
    return times && times[0];
  }

  /**
   * One submission of several stages, each timed on the GPU from the start of its first compute
   * pass to the end of its last. Null when the adapter has no timestamp queries.
   */
  runStages(stages: readonly (readonly Step[])[], label?: string): Promise<number[] | null> {
    return this.record(stages, label, true);
  }

  private async record(stages: readonly (readonly Step[])[], label: string | undefined, timed: boolean): Promise<number[] | null> {
    const name = label ?? stages.flat().map((s) => ('op' in s ? s.op : 'copy')).join('+');
    this.assertUsable(name);
    const timing = timed && this.hasTimestamps ? this.timestamps(stages.length) : null;
    await withErrorScopes(this.device, name, () => {
      this.device.queue.submit([encodeStages(this.device, name, stages, timing)]);
    });
    if (!timing) return null;
    const ticks = new BigUint64Array((await this.readBytes(timing.resolve, 0, 16 * stages.length, 'timestamps')).buffer);
    // A stage without a compute pass writes no timestamps: it reads as 0.
    return stages.map((steps, i) => (steps.some((s) => s instanceof Dispatch) ? Number(ticks[2 * i + 1] - ticks[2 * i]) / 1e6 : 0));
  }

  /** Waits until the GPU has finished everything submitted so far. */
  async finish(): Promise<void> {
    await this.guard('finish', this.device.queue.onSubmittedWorkDone());
  }

  /** Copies `bytes` from a buffer through a mappable staging buffer. */
  async readBytes(buffer: GPUBuffer, offset: number, bytes: number, label: string): Promise<Uint8Array> {
    this.assertUsable(label);
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const staging = this.takeStaging(size);
    const encoder = this.device.createCommandEncoder({ label: `read ${label}` });
    encoder.copyBufferToBuffer(buffer, offset, staging, 0, size);
    this.device.queue.submit([encoder.finish()]);
    const mapping = staging.mapAsync(GPUMapMode.READ, 0, size);
    this.pendingMaps.add(mapping);
    try {
      await this.guard(`read ${label}`, mapping);
    } finally {
      this.pendingMaps.delete(mapping);
    }
    const out = new Uint8Array(bytes);
    out.set(new Uint8Array(staging.getMappedRange(0, size), 0, bytes));
    staging.unmap();
    this.staging.push(staging);
    return out;
  }

  /**
   * Releases every GPU object. Waits for pending buffer maps first: destroying a buffer with a map in
   * flight can make the bindings settle its promise twice.
   */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    await Promise.allSettled([...this.pendingMaps]);
    this.destroyed = true;
    for (const d of this.dispatches) d.destroy();
    this.dispatches.clear();
    for (const b of this.staging) b.destroy();
    this.staging.length = 0;
    this.timestampQueries?.set.destroy();
    this.timestampQueries?.resolve.destroy();
    this.pool.destroy();
    this.device.destroy();
  }

  private shaderInterface(name: string, source: string): ShaderInterface {
    let iface = this.interfaces.get(source);
    if (!iface) this.interfaces.set(source, (iface = shaderInterface(name, source)));
    return iface;
  }

  private takeStaging(size: number): GPUBuffer {
    // Measured against the size class that would be created: a 48-byte read gets a 256-byte buffer,
    // which `<= 4 * size` never matched again, so every small read made a new staging buffer.
    const i = this.staging.findIndex((b) => b.size >= size && b.size <= 4 * BufferPool.sizeClass(size));
    if (i >= 0) return this.staging.splice(i, 1)[0];
    return this.device.createBuffer({
      label: 'readback staging',
      size: BufferPool.sizeClass(size),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
  }

  /** Query set and resolve buffer for `stages` begin/end pairs, kept and grown as needed. */
  private timestamps(stages: number): StageTimestamps {
    const count = 2 * stages;
    if (!this.timestampQueries || this.timestampQueries.set.count < count) {
      this.timestampQueries?.set.destroy();
      this.timestampQueries?.resolve.destroy();
      this.timestampQueries = {
        set: this.device.createQuerySet({ label: 'pass timestamps', type: 'timestamp', count }),
        resolve: this.device.createBuffer({
          label: 'timestamp resolve',
          size: 8 * count,
          usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
        }),
      };
    }
    return this.timestampQueries;
  }

  /** Rejects instead of hanging when the device is lost while `promise` waits on it. */
  private guard<T>(what: string, promise: Promise<T>): Promise<T> {
    const lost = this.device.lost.then((info) => {
      throw new GpuError(what, `device lost (${info.reason}): ${info.message}`);
    });
    return Promise.race([promise, lost]);
  }

  private assertUsable(what: string): void {
    if (this.destroyed) throw new GpuError(what, 'the engine was destroyed');
    if (this.lostMessage) throw new GpuError(what, this.lostMessage);
  }
}
