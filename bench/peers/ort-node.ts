// onnxruntime-node with its CPU execution provider: what a Node user without a GPU would run, with
// one intra-op thread per core.
import { availableParallelism } from 'node:os';
import { ortCpuRunner } from './ort-cpu.ts';
import type { Runner } from './runner.ts';

export async function ortNodeRunner(): Promise<Runner> {
  const ort = await import('onnxruntime-node');
  const threads = availableParallelism();
  return ortCpuRunner(ort, 'onnxruntime-node CPU', `onnxruntime-node ${ort.env.versions.node} (cpu EP, ${threads} intra-op threads)`, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
  });
}
