// Stands in for test/helpers/gpu.ts when the kernel tests run in the page: the same one shared
// engine with WebGPU's default limits, on the browser's navigator.gpu.
import { createEngine, type Engine } from '../../src/browser.ts';

let shared: Promise<Engine> | null = null;

export function gpuEngine(): Promise<Engine> {
  shared ??= createEngine({ limits: 'default' });
  return shared;
}
