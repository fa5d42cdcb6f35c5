// The public API of tadt-webgpu.
export * from './runtime/index.ts';
