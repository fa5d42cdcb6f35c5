export { Engine, engineOnAdapter, type AdapterReport, type EngineOptions, type ShaderSource } from './engine.ts';
export { deviceLimits, type LimitsPolicy } from './limits.ts';
export { Tensor, type DType } from './tensor.ts';
export { Dispatch, grid1d, type DispatchSpec, type Step, type CopyStep, type Workgroups } from './dispatch.ts';
export { makeOp, type Op, type OpParts } from './op.ts';
export { Plan, type PlanEntry } from './plan.ts';
export { GpuError } from './errors.ts';
export { BufferPool } from './buffer-pool.ts';
export { PipelineCache } from './pipeline-cache.ts';
