// The engine in a browser: navigator.gpu, shaders bundled into the script at build time.
import { type Engine, engineOnAdapter, type EngineOptions } from '../runtime/engine.ts';
import sources from 'virtual:tadt-shaders';

export const NO_WEBGPU_HELP =
  'This browser does not offer WebGPU (navigator.gpu is missing). It is on by default in Chrome and Edge 113+ ' +
  '(Windows, macOS, ChromeOS, Android; on Linux start Chrome with --enable-unsafe-webgpu --enable-features=Vulkan), ' +
  'Safari 26+ and Firefox 141+ on Windows (elsewhere: dom.webgpu.enabled in about:config). ' +
  'The page must come from https:// or http://localhost (a secure context).';

export const NO_ADAPTER_HELP =
  'WebGPU is present but gave no adapter: the browser found no usable GPU, or has blocked it. ' +
  'Update the GPU driver, check chrome://gpu, or try another browser; headless Chromium needs --enable-unsafe-webgpu.';

/** The browser cannot run the tracker at all; the message says what would. */
export class WebGpuUnavailableError extends Error {
  override name = 'WebGpuUnavailableError';
}

/** The WGSL of `shaders/<name>.wgsl`, as bundled. */
function bundledShader(name: string): string {
  const source = sources[name];
  if (source === undefined) throw new Error(`shader ${name} is not in the bundle (shaders/${name}.wgsl)`);
  return source;
}

/** Creates an engine on the browser's WebGPU: one adapter and one device, with pools and caches. */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const gpu = (globalThis as { navigator?: Partial<NavigatorGPU> }).navigator?.gpu;
  if (!gpu) throw new WebGpuUnavailableError(NO_WEBGPU_HELP);
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference });
  if (!adapter) throw new WebGpuUnavailableError(NO_ADAPTER_HELP);
  return engineOnAdapter(gpu, adapter, bundledShader, options.limits);
}
