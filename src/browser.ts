// The public API of tadt-webgpu in a browser (the package's `browser` export, bundled with its
// shaders by `npm run build`): the shared core and the engine on navigator.gpu.
export * from './core.ts';
export { createEngine, NO_WEBGPU_HELP, NO_ADAPTER_HELP, WebGpuUnavailableError } from './host/browser-engine.ts';
