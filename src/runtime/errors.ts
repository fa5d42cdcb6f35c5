/** A WebGPU failure attributed to the op (and shapes) whose work raised it. */
export class GpuError extends Error {
  constructor(readonly op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = 'GpuError';
  }
}

const SCOPES: GPUErrorFilter[] = ['validation', 'out-of-memory', 'internal'];

/**
 * Runs `work` inside validation, out-of-memory and internal error scopes and rethrows the first
 * error as a GpuError naming `op`. Dawn reports most errors through scopes rather than exceptions.
 */
export async function withErrorScopes<T>(device: GPUDevice, op: string, work: () => T): Promise<T> {
  for (const filter of SCOPES) device.pushErrorScope(filter);
  let result: T;
  try {
    result = work();
  } finally {
    const errors = await Promise.all(SCOPES.map(() => device.popErrorScope()));
    const first = errors.find((e) => e !== null);
    if (first) throw new GpuError(op, first.message);
  }
  return result;
}
