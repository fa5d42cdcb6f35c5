// onnxruntime on the CPU as a bench runner, whichever package provides it: onnxruntime-node's cpu
// EP in Node, onnxruntime-web's wasm EP in the page. Input and output are CPU tensors, as they are
// for a user without a GPU.
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { writeConvNetOnnx } from './onnx-writer.ts';
import type { PreparedUnit, Runner } from './runner.ts';
import { fromNchw, type DenseMap, outputSide, toNchw, type Unit } from './trunk.ts';

/** The part of the onnxruntime API the runner uses: the same in onnxruntime-node and -web. */
export interface OrtCpuApi {
  InferenceSession: { create(model: Uint8Array, options: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;
}

export function ortCpuRunner(ort: OrtCpuApi, name: string, about: string, options: InferenceSession.SessionOptions): Runner {
  return {
    name,
    about,
    async prepare(unit: Unit, input: DenseMap): Promise<PreparedUnit> {
      const session = await ort.InferenceSession.create(writeConvNetOnnx(unit.layers, input), options);
      const feed = { input: new ort.Tensor('float32', toNchw(input), [1, input.channels, input.height, input.width]) };
      const cout = unit.layers[unit.layers.length - 1]!.cout;
      let last: Float32Array | null = null;
      return {
        async run() {
          last = (await session.run(feed)).output!.data as Float32Array;
        },
        async output() {
          if (!last) throw new Error(`${name}: output() before run()`);
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
