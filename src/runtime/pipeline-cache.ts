import { withErrorScopes } from './errors.ts';

export type Constants = Record<string, number>;

function constantsKey(constants: Constants): string {
  return Object.keys(constants).sort().map((k) => `${k}=${constants[k]}`).join(',');
}

/**
 * Compute pipelines keyed by WGSL source plus overridden constants. `created` counts builds so that
 * tests can assert that nothing is compiled once a tracker is warm.
 */
export class PipelineCache {
  created = 0;
  private readonly pipelines = new Map<string, Map<string, Promise<GPUComputePipeline>>>();
  private readonly modules = new Map<string, GPUShaderModule>();

  constructor(private readonly device: GPUDevice) {}

  get(op: string, source: string, constants: Constants = {}): Promise<GPUComputePipeline> {
    let byConstants = this.pipelines.get(source);
    if (!byConstants) this.pipelines.set(source, (byConstants = new Map()));
    const key = constantsKey(constants);
    let pipeline = byConstants.get(key);
    if (!pipeline) {
      pipeline = this.build(op, source, constants);
      byConstants.set(key, pipeline);
      // A failed build must not poison the cache: the next caller gets a fresh attempt and error.
      pipeline.catch(() => byConstants.delete(key));
    }
    return pipeline;
  }

  private async build(op: string, source: string, constants: Constants): Promise<GPUComputePipeline> {
    this.created++;
    const module = await this.module(op, source);
    const label = key(op, constants);
    return withErrorScopes(this.device, `${op} (pipeline ${label})`, () =>
      this.device.createComputePipeline({ label, layout: 'auto', compute: { module, entryPoint: 'main', constants } }),
    );
  }

  private async module(op: string, source: string): Promise<GPUShaderModule> {
    const cached = this.modules.get(source);
    if (cached) return cached;
    const module = await withErrorScopes(this.device, `${op} (shader)`, () =>
      this.device.createShaderModule({ label: op, code: source }),
    );
    this.modules.set(source, module);
    return module;
  }
}

function key(op: string, constants: Constants): string {
  const c = constantsKey(constants);
  return c ? `${op}[${c}]` : op;
}
