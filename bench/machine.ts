// Names the machine next to every figure: development machines all say "AMD EPYC" with 2 cores but
// differ (AVX-512 or not, Zen generation), and the speeds differ up to 2x between them.
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

export interface CpuInfo {
  model: string;
  /** x86 family and model numbers (AMD family 25 = Zen 3/4, 26 = Zen 5). */
  family: string;
  cores: number;
  avx512f: boolean;
  avx2: boolean;
}

export function cpuInfo(): CpuInfo {
  let text = '';
  try {
    text = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // Not Linux: the fields below stay unknown.
  }
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  const flags = new Set(field('flags').split(/\s+/));
  return {
    model: field('model name') || 'unknown CPU',
    family: field('cpu family') ? `family ${field('cpu family')} model ${field('model')}` : '',
    cores: availableParallelism(),
    avx512f: flags.has('avx512f'),
    avx2: flags.has('avx2'),
  };
}

export function describeCpu(cpu: CpuInfo): string {
  const simd = cpu.avx512f ? 'AVX-512F' : cpu.avx2 ? 'AVX2, no AVX-512' : 'no AVX2';
  // llvmpipe compiles for the instruction sets Mesa detects unless told otherwise: "avx" keeps
  // AVX2 and drops AVX-512 (16 vector registers instead of 32), as on an AVX2-only machine.
  const caps = process.env.GALLIUM_OVERRIDE_CPU_CAPS;
  return `${cpu.model}${cpu.family ? ` (${cpu.family})` : ''}, ${cpu.cores} cores, ${simd}${caps ? `; llvmpipe told GALLIUM_OVERRIDE_CPU_CAPS=${caps}` : ''}`;
}

/**
 * This process's CPU time so far, in ms per core. lavapipe's threads are the process's own, so the
 * difference over a run is what it costs on idle cores, which wall time does not show on a machine
 * shared with other jobs.
 */
export function processCpuMsPerCore(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000 / availableParallelism();
}

/** The 1, 5 and 15-minute load averages: the machines are shared, and wall times grow with the load. */
export function loadAverage(): string {
  return `${loadavg().map((l) => l.toFixed(2)).join(' ')} (1, 5, 15 min)`;
}
