// A conv layer's weights, repacked once on the GPU for the kernel variant the adapter runs best
// (see conv2d3x3.ts) and for a subset of output channels.
import type { Engine } from '../runtime/engine.ts';
import type { Tensor } from '../runtime/tensor.ts';
import type { VggLayer } from '../weights/vgg.ts';

export const round4 = (n: number) => Math.ceil(n / 4) * 4;
/** Winograd F(6x6, 3x3): output tiles of 6x6, (6 + 2)^2 transformed positions, one GEMM each. */
export const TILE = 6;
export const POSITIONS = (TILE + 2) ** 2;

export type ConvVariant = 'winograd' | 'winograd-subgroup' | 'direct-subgroup' | 'tiled';

/** A layer's weights repacked on the GPU for one kernel variant and one set of output channels. */
export interface ConvWeights {
  readonly name: string;
  readonly variant: ConvVariant;
  readonly cin: number;
  /** Output channels computed: the subset's length, or the layer's cout. */
  readonly cout: number;
  /** Channels of the output map: cout rounded up to 4 (the extra ones are written as zeros). */
  readonly outChannels: number;
  /** The layer's output channels computed, in output order; null for all of them. */
  readonly subset: readonly number[] | null;
  readonly weights: Tensor<'f32'>;
  readonly bias: Tensor<'f32'>;
  release(): void;
}

export interface UploadOptions {
  /** Compute only these output channels, in this order (conv4_3 after frame 1 needs ~300 of 512). */
  outChannels?: readonly number[];
  /** Overrides the adapter's choice (tests run every variant on any adapter). */
  variant?: ConvVariant;
}

/**
 * Tiled implicit GEMM on GPUs. On lavapipe with 8-lane subgroups: the direct subgroup kernel for
 * layers of at most 4 input channels (conv1_1), where Winograd has no GEMM to amortise its
 * transforms, and Winograd with the subgroup GEMM otherwise; without such subgroups, Winograd.
 */
export function defaultConvVariant(engine: Engine, cin = Infinity): ConvVariant {
  if (!engine.adapterReport.software) return 'tiled';
  if (!subgroupGemmSupported(engine)) return 'winograd';
  return cin <= 4 ? 'direct-subgroup' : 'winograd-subgroup';
}

/** The subgroup kernels pass values among the 8 lanes of a workgroup, so subgroups must hold 8. */
export function subgroupGemmSupported(engine: Engine): boolean {
  return engine.adapterReport.subgroupSize >= 8;
}

/** Output-channel vec4s per GEMM column block. */
export function columnBlock(variant: ConvVariant): number {
  return variant === 'winograd-subgroup' ? 4 : 1;
}

/** Uploads a layer's weights, repacked once for `variant` (default: the adapter's) and the channel subset. */
export function uploadConvWeights(engine: Engine, layer: VggLayer, options: UploadOptions = {}): ConvWeights {
  const variant = options.variant ?? defaultConvVariant(engine, layer.cin);
  if (variant.endsWith('-subgroup') && !subgroupGemmSupported(engine)) {
    throw new Error(`${layer.name}: ${variant} needs a device with the subgroups feature and subgroups of 8+ lanes`);
  }
  const { cin, cout } = layer;
  if (layer.weight.length !== 9 * cin * cout) throw new RangeError(`${layer.name}: ${layer.weight.length} weights for 3x3x${cin}x${cout}`);
  if (layer.bias.length !== cout) throw new RangeError(`${layer.name}: ${layer.bias.length} biases for ${cout} channels`);
  const subset = options.outChannels ? [...options.outChannels] : null;
  const channels = subset ?? Array.from({ length: cout }, (_, i) => i);
  if (channels.length === 0) throw new RangeError(`${layer.name}: empty output channel subset`);
  for (const c of channels) {
    if (!Number.isInteger(c) || c < 0 || c >= cout) throw new RangeError(`${layer.name}: output channel ${c} not in 0..${cout - 1}`);
  }
  const packed =
    variant === 'tiled' ? packDirect(layer, channels) : variant === 'direct-subgroup' ? packDirectBlocked(layer, channels) : packWinograd(layer, channels, columnBlock(variant));
  const outChannels = round4(channels.length);
  const bias = new Float32Array(outChannels);
  channels.forEach((c, j) => (bias[j] = layer.bias[c]));
  const label = `${layer.name}${subset ? `[${subset.length}]` : ''}`;
  const weights = engine.upload([packed.length], `${label} weights (${variant})`, 'f32', packed);
  const biasTensor = engine.upload([outChannels], `${label} bias`, 'f32', bias);
  return {
    name: layer.name,
    variant,
    cin,
    cout: channels.length,
    outChannels,
    subset,
    weights,
    bias: biasTensor,
    release() {
      weights.release();
      biasTensor.release();
    },
  };
}

/** [tap][cin rounded to 4][outChannels] for the tiled kernel. */
function packDirect(layer: VggLayer, channels: number[]): Float32Array {
  const { cin, cout, weight } = layer;
  const K = round4(cin);
  const N = round4(channels.length);
  const out = new Float32Array(9 * K * N);
  for (let tap = 0; tap < 9; tap++) {
    for (let ci = 0; ci < cin; ci++) {
      const src = (tap * cin + ci) * cout;
      const dst = (tap * K + ci) * N;
      channels.forEach((co, j) => (out[dst + j] = weight[src + co]));
    }
  }
  return out;
}

/** [16-channel block][tap][cin rounded to 4][16 channels] for the direct subgroup kernel. */
function packDirectBlocked(layer: VggLayer, channels: number[]): Float32Array {
  const { cin, cout, weight } = layer;
  const K = round4(cin);
  const blocks = Math.ceil(channels.length / 16);
  const out = new Float32Array(blocks * 9 * K * 16);
  channels.forEach((co, j) => {
    const base = Math.floor(j / 16) * 9 * K * 16 + (j % 16);
    for (let tap = 0; tap < 9; tap++) {
      for (let ci = 0; ci < cin; ci++) out[base + (tap * K + ci) * 16] = weight[(tap * cin + ci) * cout + co];
    }
  });
  return out;
}

// The F(6x6, 3x3) filter transform G (8x3) for the points 0, 1, -1, 1/2, -1/2, 2, -2 and infinity;
// the input and output transforms are in the shaders. Against F(4x4, 3x3) it does 21% fewer GEMM
// multiply-adds per output and, at 45x45, needs 64 tiles (2 GEMM row blocks of 32) instead of 144
// (4.5 blocks): 29% less GEMM work for the 45x45 layers, at about twice the float32 rounding error.
const G = [
  [1, 0, 0],
  [-2 / 9, -2 / 9, -2 / 9],
  [-2 / 9, 2 / 9, -2 / 9],
  [1 / 90, 1 / 45, 2 / 45],
  [1 / 90, -1 / 45, 2 / 45],
  [32 / 45, 16 / 45, 8 / 45],
  [32 / 45, -16 / 45, 8 / 45],
  [0, 0, 1],
];

/**
 * U = G g G^T per (input, output channel), in float64, laid out for the GEMMs:
 * [pos][column block][k = cin rounded to 4][block vec4][4 channels].
 */
function packWinograd(layer: VggLayer, channels: number[], block: number): Float32Array {
  const { cin, cout, weight } = layer;
  const K = round4(cin);
  const blocks = Math.ceil(round4(channels.length) / 4 / block);
  const posStride = blocks * K * block * 4;
  const out = new Float32Array(POSITIONS * posStride);
  const side = TILE + 2;
  const g = new Float64Array(9);
  const t = new Float64Array(3 * side);
  channels.forEach((co, j) => {
    const n4 = j >> 2;
    const colBase = (Math.floor(n4 / block) * K * block + (n4 % block)) * 4 + (j & 3);
    for (let ci = 0; ci < cin; ci++) {
      for (let tap = 0; tap < 9; tap++) g[tap] = weight[(tap * cin + ci) * cout + co];
      for (let a = 0; a < side; a++) {
        for (let kx = 0; kx < 3; kx++) t[a * 3 + kx] = G[a][0] * g[kx] + G[a][1] * g[3 + kx] + G[a][2] * g[6 + kx];
      }
      const dst = colBase + ci * block * 4;
      for (let a = 0; a < side; a++) {
        for (let b = 0; b < side; b++) {
          const u = t[a * 3] * G[b][0] + t[a * 3 + 1] * G[b][1] + t[a * 3 + 2] * G[b][2];
          out[(a * side + b) * posStride + dst] = u;
        }
      }
    }
  });
  return out;
}
