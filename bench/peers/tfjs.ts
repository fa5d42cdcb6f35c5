// TensorFlow.js (tfjs-core + tfjs-backend-webgpu) in Node, on the adapter `navigator.gpu` gives (see
// navigator-gpu.ts). Weights are HWIO and maps NHWC, as ours. A run ends by submitting tfjs's
// pending command encoder and waiting for the device's queue: no readback.
import type { PreparedUnit, Runner } from './runner.ts';
import type { DenseMap, Unit } from './trunk.ts';

export async function tfjsRunner(): Promise<Runner> {
  const tf = await import('@tensorflow/tfjs-core');
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs: the webgpu backend did not initialise (see the messages above)');
  const backend = tf.backend() as InstanceType<typeof WebGPUBackend>;
  const settle = async () => {
    backend.endComputePassEncoder();
    backend.ensureCommandEncoderReady();
    backend.submitQueue();
    await backend.device.queue.onSubmittedWorkDone();
  };
  return {
    name: 'tfjs WebGPU',
    about: `@tensorflow/tfjs-core ${tf.version_core} + tfjs-backend-webgpu (tf.fused.conv2d with bias and relu, tf.maxPool)`,
    async prepare(unit: Unit, input: DenseMap): Promise<PreparedUnit> {
      const x = tf.tensor4d(input.data, [1, input.height, input.width, input.channels]);
      const params = unit.layers.map((l) => ({ filter: tf.tensor4d(l.weight, [3, 3, l.cin, l.cout]), bias: tf.tensor1d(l.bias), pool: l.pool }));
      const forward = () =>
        params.reduce<import('@tensorflow/tfjs-core').Tensor4D>((h, p) => {
          const y = tf.fused.conv2d({ x: h, filter: p.filter, bias: p.bias, strides: 1, pad: 'same', activation: 'relu' });
          return p.pool ? tf.maxPool(y, 2, 2, 'valid') : y;
        }, x);
      let last: import('@tensorflow/tfjs-core').Tensor4D | null = null;
      return {
        async run() {
          last?.dispose();
          last = tf.tidy(forward);
          await settle();
        },
        async output() {
          if (!last) throw new Error('tfjs: output() before run()');
          const [, height, width, channels] = last.shape;
          return { height, width, channels, data: (await last.data()) as Float32Array };
        },
        async dispose() {
          last?.dispose();
          x.dispose();
          for (const p of params) tf.dispose([p.filter, p.bias]);
        },
      };
    },
    async close() {
      tf.disposeVariables();
    },
  };
}
