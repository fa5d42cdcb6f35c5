// Gives the WebGPU peers `navigator.gpu` in Node: our engine's Dawn instance (so every engine in
// the process uses the same adapter, and the instance stays referenced by the engine); in the page,
// the browser's own. Wrapped so that each device a peer requests gets two adjustments:
// - queue.writeBuffer copies data that lives in a SharedArrayBuffer into a plain one first.
//   onnxruntime-web's WebAssembly heap is shared memory; Dawn's Node bindings (`webgpu` 0.6.2)
//   reject views of it with "Invalid argument" (a bare SharedArrayBuffer view even segfaults),
//   although the WebGPU spec and browsers accept them. The copies are of uniforms and weights,
//   made outside the timed runs (inputs are GPU buffers). The bench page is not cross-origin
//   isolated, so there its heap is never shared and nothing is copied.
// - createShaderModule records the WGSL when asked to, so that the peers' kernels can be read.
export interface PeerGpu {
  /** WGSL of every shader module the peers created: the engine's name and the module's label. */
  readonly shaders: { peer: string; label: string; code: string }[];
  /** Names the engine at work from now on (for `shaders`). */
  currentPeer: string;
}

function copyingShared(queue: GPUQueue): void {
  const writeBuffer = queue.writeBuffer.bind(queue);
  queue.writeBuffer = (buffer, offset, data, dataOffset = 0, size) => {
    // A page that is not cross-origin isolated has no SharedArrayBuffer at all.
    const shared = typeof SharedArrayBuffer !== 'undefined' && ArrayBuffer.isView(data) && data.buffer instanceof SharedArrayBuffer;
    if (!shared) return writeBuffer(buffer, offset, data, dataOffset, size);
    const unit = 'BYTES_PER_ELEMENT' in data ? (data.BYTES_PER_ELEMENT as number) : 1;
    const count = size ?? data.byteLength / unit - dataOffset;
    const bytes = new Uint8Array(data.buffer, data.byteOffset + dataOffset * unit, count * unit).slice();
    return writeBuffer(buffer, offset, bytes);
  };
}

export function installPeerGpu(instance: GPU, captureShaders: boolean): PeerGpu {
  const state: PeerGpu = { shaders: [], currentPeer: '' };
  const wrapDevice = (device: GPUDevice): GPUDevice => {
    copyingShared(device.queue);
    if (captureShaders) {
      const create = device.createShaderModule.bind(device);
      // Labelled when created, not by device: onnxruntime-web's WebGPU and wasm EPs share one.
      device.createShaderModule = (descriptor) => {
        state.shaders.push({ peer: state.currentPeer, label: descriptor.label ?? '', code: descriptor.code });
        return create(descriptor);
      };
    }
    return device;
  };
  const gpu = {
    async requestAdapter(options?: GPURequestAdapterOptions) {
      const adapter = await instance.requestAdapter(options);
      if (adapter) {
        const requestDevice = adapter.requestDevice.bind(adapter);
        adapter.requestDevice = async (descriptor) => wrapDevice(await requestDevice(descriptor));
      }
      return adapter;
    },
    getPreferredCanvasFormat: () => instance.getPreferredCanvasFormat(),
    get wgslLanguageFeatures() {
      return instance.wgslLanguageFeatures;
    },
  };
  // Node 20 has no `navigator`; Node 21+ has one without `gpu`.
  const nav = ((globalThis as { navigator?: object }).navigator ??= {});
  Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  return state;
}
