import { createEngine } from '../../src/host/node-engine.ts';
import type { Engine } from '../../src/runtime/engine.ts';

let shared: Promise<Engine> | null = null;

/**
 * One engine for the whole mocha run, on a device with WebGPU's default limits only (what a browser
 * on a GPU gives): every kernel and tracker test thereby checks that the kernels fit them. No
 * adapter is a failure, never a skip: the error carries the how-to from NO_ADAPTER_HELP.
 */
export function gpuEngine(): Promise<Engine> {
  shared ??= createEngine({ limits: 'default' });
  return shared;
}

export async function destroySharedEngine(): Promise<void> {
  if (shared) await (await shared).destroy();
  shared = null;
}
