// onnxruntime-web with its WebGPU execution provider, on the adapter `navigator.gpu` gives (in Node
// see navigator-gpu.ts). Input and output stay in GPU buffers; a run waits for the device's queue.
// Its wasm (CPU) execution provider too: in the page, what a user without WebGPU would run.
import { ortCpuRunner } from './ort-cpu.ts';
import { writeConvNetOnnx } from './onnx-writer.ts';
import type { PreparedUnit, Runner } from './runner.ts';
import { fromNchw, type DenseMap, outputSide, toNchw, type Unit } from './trunk.ts';

async function loadOrtWeb() {
  const ort = await import('onnxruntime-web/webgpu');
  // The WebGPU EP does the work; wasm threads would only compete with the software adapter's for
  // the cores (and in a page they need cross-origin isolation, which the bench page does not ask for).
  ort.env.wasm.numThreads = 1;
  return ort;
}

export async function ortWasmRunner(): Promise<Runner> {
  const ort = await loadOrtWeb();
  return ortCpuRunner(ort, 'onnxruntime-web wasm CPU', `onnxruntime-web ${ort.env.versions.web} (wasm EP, 1 thread)`, { executionProviders: ['wasm'] });
}

export async function ortWebRunner(): Promise<Runner> {
  const ort = await loadOrtWeb();
  let device: GPUDevice | null = null;
  return {
    name: 'onnxruntime-web WebGPU',
    about: `onnxruntime-web ${ort.env.versions.web} (webgpu EP, wasm numThreads 1, input and output as GPU buffers)`,
    async prepare(unit: Unit, input: DenseMap): Promise<PreparedUnit> {
      const session = await ort.InferenceSession.create(writeConvNetOnnx(unit.layers, input), {
        executionProviders: ['webgpu'],
        preferredOutputLocation: 'gpu-buffer',
      });
      device ??= await ort.env.webgpu.device;
      const data = toNchw(input);
      const buffer = device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(buffer, 0, data);
      const feed = { input: ort.Tensor.fromGpuBuffer(buffer, { dataType: 'float32', dims: [1, input.channels, input.height, input.width] }) };
      const cout = unit.layers[unit.layers.length - 1]!.cout;
      let last: InstanceType<typeof ort.Tensor> | null = null;
      const gpu = device;
      return {
        async run() {
          last?.dispose();
          last = (await session.run(feed)).output!;
          await gpu.queue.onSubmittedWorkDone();
        },
        async output() {
          if (!last) throw new Error('onnxruntime-web: output() before run()');
          return fromNchw((await last.getData()) as Float32Array, outputSide(unit, input.height), outputSide(unit, input.width), cout);
        },
        async dispose() {
          last?.dispose();
          await session.release();
          buffer.destroy();
        },
      };
    },
    async close() {},
  };
}
