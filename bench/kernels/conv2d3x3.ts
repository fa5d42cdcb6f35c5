// conv2d3x3 at the 10 VGG layer shapes of a 180x180 input (8 distinct shapes, plus the two with
// fused pooling) with the adapter's variant for each: on lavapipe Winograd (the subgroup GEMM when
// the device has the feature) and, for conv1_1, the direct subgroup kernel; the tiled kernel on
// GPUs. For comparison: conv1_1 through Winograd, and at the two target shapes the plain-GEMM
// Winograd and the tiled kernel.
import { conv2d3x3, convFlops } from '../../src/kernels/conv2d3x3.ts';
import { type ConvVariant, defaultConvVariant, uploadConvWeights } from '../../src/kernels/conv-weights.ts';
import { featureElements, type FeatureMap } from '../../src/kernels/layout.ts';
import type { Engine } from '../../src/runtime/engine.ts';
import type { KernelCase } from '../harness.ts';

const SHAPES: [number, number, number, boolean?][] = [
  [180, 3, 64],
  [180, 64, 64],
  [180, 64, 64, true],
  [90, 64, 128],
  [90, 128, 128],
  [90, 128, 128, true],
  [45, 128, 256],
  [45, 256, 256],
  [45, 256, 512],
  [45, 512, 512],
];

function random(n: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (Math.random() * 2 - 1) * scale;
  return out;
}

function featureMap(engine: Engine, size: number, channels: number, data?: Float32Array): FeatureMap {
  const shape = { height: size, width: size, channels, pad: 1 };
  const n = featureElements(shape);
  return { ...shape, tensor: engine.upload([n], 'bench map', 'f32', data ?? new Float32Array(n)) };
}

function convCase(variant: ConvVariant | 'default', size: number, cin: number, cout: number, pool = false): KernelCase {
  return {
    name: `conv2d3x3 ${cin}->${cout} @${size}${pool ? '+pool' : ''} ${variant}`,
    flops: convFlops(size, size, cin, cout),
    async setup(engine) {
      const v = variant === 'default' ? defaultConvVariant(engine, cin) : variant;
      const weights = uploadConvWeights(engine, {
        name: `bench ${cin}x${cout}`, cin, cout,
        weight: random(9 * cin * cout, Math.sqrt(2 / (9 * cin))), bias: random(cout, 0.1),
      }, { variant: v });
      const cin4 = Math.ceil(cin / 4) * 4;
      const input = featureMap(engine, size, cin4, random(featureElements({ height: size, width: size, channels: cin4, pad: 1 }), 1));
      const output = featureMap(engine, pool ? size / 2 : size, weights.outChannels);
      const op = await conv2d3x3(engine, input, weights, output, { pool });
      return {
        steps: op.steps,
        release() {
          op.release();
          weights.release();
          input.tensor.release();
          output.tensor.release();
        },
      };
    },
  };
}

export const cases: KernelCase[] = [
  ...SHAPES.map(([size, cin, cout, pool]) => convCase('default', size, cin, cout, pool)),
  convCase('winograd-subgroup', 180, 3, 64),
  convCase('winograd', 90, 128, 128),
  convCase('winograd', 45, 512, 512),
  convCase('tiled', 90, 128, 128),
  convCase('tiled', 45, 512, 512),
];
