// onnxruntime-node with its CPU execution provider: what a Node user without a GPU would run.
// Input and output are CPU tensors, as they are for that user; one intra-op thread per core.
import { availableParallelism } from 'node:os';
import { writeConvNetOnnx } from './onnx-writer.ts';
import type { PreparedUnit, Runner } from './runner.ts';
import { fromNchw, type DenseMap, outputSide, toNchw, type Unit } from './trunk.ts';

export async function ortNodeRunner(): Promise<Runner> {
  const ort = await import('onnxruntime-node');
  const threads = availableParallelism();
  return {
    name: 'onnxruntime-node CPU',
    about: `onnxruntime-node ${ort.env.versions.node} (cpu EP, ${threads} intra-op threads)`,
    async prepare(unit: Unit, input: DenseMap): Promise<PreparedUnit> {
      const session = await ort.InferenceSession.create(writeConvNetOnnx(unit.layers, input), {
        executionProviders: ['cpu'],
        intraOpNumThreads: threads,
      });
      const feed = { input: new ort.Tensor('float32', toNchw(input), [1, input.channels, input.height, input.width]) };
      const cout = unit.layers[unit.layers.length - 1]!.cout;
      let last: Float32Array | null = null;
      return {
        async run() {
          last = (await session.run(feed)).output!.data as Float32Array;
        },
        async output() {
          if (!last) throw new Error('onnxruntime-node: output() before run()');
          return fromNchw(last, outputSide(unit, input.height), outputSide(unit, input.width), cout);
        },
        async dispose() {
          await session.release();
        },
      };
    },
    async close() {},
  };
}
