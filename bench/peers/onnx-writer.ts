// Writes a chain of 3x3 conv + ReLU (+ 2x2 max-pool) layers as an ONNX model, from our HWIO weights,
// so that onnxruntime runs exactly the network our engine runs. NCHW in and out, batch 1.
import protobuf from 'protobufjs';
import { ONNX_SUBSET_PROTO } from './onnx-subset.ts';

export interface ConvSpec {
  name: string;
  cin: number;
  cout: number;
  /** HWIO: ((ky*3 + kx)*cin + ci)*cout + co, as in src/weights/vgg.ts. */
  weight: Float32Array;
  bias: Float32Array;
  /** 2x2 stride-2 max-pool (floor mode) after the ReLU. */
  pool: boolean;
}

const OPSET = 17;
const IR_VERSION = 8;
const FLOAT = 1;
const INT = 2;
const INTS = 7;

const schema = protobuf.parse(ONNX_SUBSET_PROTO).root;
const ModelProto = schema.lookupType('onnx.ModelProto');

function oihw(layer: ConvSpec): Float32Array {
  const out = new Float32Array(layer.weight.length);
  for (let k = 0; k < 9; k++) {
    for (let ci = 0; ci < layer.cin; ci++) {
      for (let co = 0; co < layer.cout; co++) out[(co * layer.cin + ci) * 9 + k] = layer.weight[(k * layer.cin + ci) * layer.cout + co]!;
    }
  }
  return out;
}

function initializer(name: string, dims: number[], data: Float32Array) {
  // ONNX raw_data is little-endian, as typed arrays are on every platform Node runs on.
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

const ints = (name: string, values: number[]) => ({ name, ints: values, type: INTS });

function valueInfo(name: string, dims: number[]) {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } };
}

/** The serialised ModelProto; input "input" [1, cin, height, width], output "output". */
export function writeConvNetOnnx(layers: readonly ConvSpec[], input: { height: number; width: number }): Uint8Array {
  if (layers.length === 0) throw new RangeError('an ONNX conv net needs at least one layer');
  const nodes: object[] = [];
  const initializers: object[] = [];
  let x = 'input';
  let { height, width } = input;
  layers.forEach((l, i) => {
    if (i > 0 && l.cin !== layers[i - 1]!.cout) throw new RangeError(`${l.name}: cin ${l.cin} after ${layers[i - 1]!.cout} channels`);
    const last = i === layers.length - 1;
    initializers.push(initializer(`${l.name}.W`, [l.cout, l.cin, 3, 3], oihw(l)), initializer(`${l.name}.b`, [l.cout], l.bias));
    const conv = `${l.name}.conv`;
    const relu = last && !l.pool ? 'output' : `${l.name}.relu`;
    nodes.push({
      name: conv, opType: 'Conv', input: [x, `${l.name}.W`, `${l.name}.b`], output: [conv],
      attribute: [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1]), ints('strides', [1, 1]), { name: 'group', i: 1, type: INT }],
    });
    nodes.push({ name: relu, opType: 'Relu', input: [conv], output: [relu] });
    x = relu;
    if (l.pool) {
      const pool = last ? 'output' : `${l.name}.pool`;
      nodes.push({ name: `${l.name}.maxpool`, opType: 'MaxPool', input: [x], output: [pool], attribute: [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])] });
      x = pool;
      height = Math.floor(height / 2);
      width = Math.floor(width / 2);
    }
  });
  const model = {
    irVersion: IR_VERSION,
    producerName: 'tadt-webgpu bench peers',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name: layers.map((l) => l.name).join('+'),
      node: nodes,
      initializer: initializers,
      input: [valueInfo('input', [1, layers[0]!.cin, input.height, input.width])],
      output: [valueInfo('output', [1, layers[layers.length - 1]!.cout, height, width])],
    },
  };
  const err = ModelProto.verify(model);
  if (err) throw new Error(`ONNX model: ${err}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}
