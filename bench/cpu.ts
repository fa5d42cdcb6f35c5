// The CPU that software adapters run on: figures on lavapipe and SwiftShader mean little without it.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** "AMD EPYC, 2 cores, AVX-512": the model, the cores this process may use and the widest SIMD. */
export function cpuDescription(): string {
  let info = '';
  try {
    info = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return `${availableParallelism()} cores (model unknown)`;
  }
  const model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? 'unknown model';
  const flags = /^flags\s*:\s*(.+)$/m.exec(info)?.[1]?.split(/\s+/) ?? [];
  const simd = flags.includes('avx512f') ? 'AVX-512' : flags.includes('avx2') ? 'AVX2 (no AVX-512)' : 'no AVX2';
  return `${model}, ${availableParallelism()} cores, ${simd}`;
}
