import type { Engine } from '../src/runtime/engine.ts';
import { processCpuMsPerCore } from './machine.ts';
import { round } from './round.ts';
import type { Step } from '../src/runtime/dispatch.ts';

/** One microbenchmark row: the shape belongs in the name. */
export interface KernelCase {
  name: string;
  /** Useful floating-point operations per run (direct-convolution count for convs). */
  flops?: number;
  /** Bytes that must move per run (inputs read once + outputs written once). */
  bytes?: number;
  /** The op under test and what it ran on; release() frees both. */
  setup(engine: Engine): Promise<{ steps: readonly Step[]; release(): void }>;
}

export interface Timing {
  medianMs: number;
  p90Ms: number;
  gpuMedianMs: number | null;
  /**
   * Process CPU time per timed run over the cores (lavapipe's threads are ours): what a run costs
   * on idle cores, which wall time does not show on a machine shared with other jobs.
   */
  cpuMsPerCore: number;
  runs: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Wall time of submit-to-completion per run, after `warmup` untimed runs; GPU time where timestamps exist. */
export async function measure(engine: Engine, steps: readonly Step[], runs = 10, warmup = 2): Promise<Timing> {
  for (let i = 0; i < warmup; i++) {
    await engine.run(steps);
    await engine.finish();
  }
  const wall: number[] = [];
  const gpu: number[] = [];
  const cpu0 = processCpuMsPerCore();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const g = await engine.run(steps, { timing: true });
    await engine.finish();
    wall.push(performance.now() - t0);
    if (g !== null) gpu.push(g);
  }
  const cpuMsPerCore = (processCpuMsPerCore() - cpu0) / runs;
  wall.sort((a, b) => a - b);
  gpu.sort((a, b) => a - b);
  return {
    cpuMsPerCore,
    medianMs: quantile(wall, 0.5),
    p90Ms: quantile(wall, 0.9),
    gpuMedianMs: gpu.length ? quantile(gpu, 0.5) : null,
    runs,
  };
}

export interface Row {
  bench: string;
  name: string;
  adapter: string;
  medianMs: number;
  p90Ms: number;
  gpuMs: number | null;
  gflops: number | null;
  gbps: number | null;
  fps?: number;
  cpuMsPerCore?: number;
  [extra: string]: unknown;
}

export function toRow(bench: string, name: string, adapter: string, t: Timing, flops?: number, bytes?: number): Row {
  return {
    bench,
    name,
    adapter,
    medianMs: round(t.medianMs),
    p90Ms: round(t.p90Ms),
    gpuMs: t.gpuMedianMs === null ? null : round(t.gpuMedianMs),
    gflops: flops ? round(flops / (t.medianMs * 1e6)) : null,
    gbps: bytes ? round(bytes / (t.medianMs * 1e6)) : null,
    cpuMsPerCore: round(t.cpuMsPerCore),
  };
}


export function printRow(row: Row, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(row));
    return;
  }
  const cells = [
    row.name.padEnd(52),
    `${row.medianMs.toFixed(2)} ms`.padStart(12),
    `p90 ${row.p90Ms.toFixed(2)}`.padStart(12),
    row.gpuMs === null ? '' : `gpu ${row.gpuMs.toFixed(2)} ms`,
    row.gflops === null ? '' : `${row.gflops.toFixed(1)} GFLOP/s`,
    row.gbps === null ? '' : `${row.gbps.toFixed(2)} GB/s`,
    row.cpuMsPerCore === undefined ? '' : `cpu/core ${row.cpuMsPerCore.toFixed(2)} ms`,
    row.fps === undefined ? '' : `${row.fps.toFixed(2)} FPS`,
  ];
  console.log(cells.filter(Boolean).join('  '));
}
