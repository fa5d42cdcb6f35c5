// The engine in Node: Dawn's instance from the `webgpu` package, shaders read from shaders/.
import { availableParallelism } from 'node:os';
import { create, globals } from 'webgpu';
import { type Engine, engineOnAdapter, type EngineOptions } from '../runtime/engine.ts';
import { readShaderFile } from './node-shaders.ts';

export interface NodeEngineOptions extends EngineOptions {
  /** Picks the adapter whose name contains this text (Dawn's `adapter=` flag). Env: TADT_ADAPTER. */
  adapter?: string;
  /** Dawn backend: vulkan, metal, d3d12, opengl, null. Env: TADT_BACKEND. */
  backend?: string;
}

export const NO_ADAPTER_HELP =
  'No WebGPU adapter found. Run `npm run setup` (as root on Debian bookworm it installs Mesa 25 lavapipe ' +
  'from bookworm-backports), or install a Vulkan driver for your GPU.';

Object.assign(globalThis, globals);

/** Creates an engine: the Dawn instance, one adapter and one device, with pools and caches. */
export async function createEngine(options: NodeEngineOptions = {}): Promise<Engine> {
  // llvmpipe reads this when the driver loads; its default thread count made first dispatches ~50x slower.
  process.env.LP_NUM_THREADS ??= String(availableParallelism());
  const flags: string[] = [];
  const backend = options.backend ?? process.env.TADT_BACKEND;
  const adapterName = options.adapter ?? process.env.TADT_ADAPTER;
  if (backend) flags.push(`backend=${backend}`);
  if (adapterName) flags.push(`adapter=${adapterName}`);
  // The engine keeps `gpu` referenced: see the Engine class comment.
  const gpu = create(flags);
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference });
  if (!adapter) throw new Error(NO_ADAPTER_HELP + (flags.length ? ` (flags: ${flags.join(' ')})` : ''));
  return engineOnAdapter(gpu, adapter, readShaderFile, options.limits);
}
