/**
 * Which device limits the engine asks for. Real browsers on GPUs hand out WebGPU's defaults unless
 * more is requested; every kernel fits those defaults (256 invocations per workgroup, 8 storage
 * buffers per stage, 16 KiB of workgroup memory, 128 MiB per binding), and where the adapter
 * offers more, asking for it lets larger frames and maps fit in one buffer.
 */
export type LimitsPolicy = 'adapter' | 'default';

const RAISED = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

/** The `requiredLimits` of requestDevice: the adapter's own values, or none (the defaults). */
export function deviceLimits(adapter: GPUAdapter, policy: LimitsPolicy): Record<string, number> {
  if (policy === 'default') return {};
  if (policy !== 'adapter') throw new RangeError(`limits: "${String(policy)}" is neither 'adapter' nor 'default'`);
  const limits: Record<string, number> = {};
  for (const name of RAISED) limits[name] = adapter.limits[name];
  return limits;
}
