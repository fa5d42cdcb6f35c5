// 3x3 convolution, stride 1, zero pad 1, + bias + ReLU (optionally + 2x2 max pooling) between
// FeatureMaps with a 1-cell zero border. Two designs, picked by adapter:
// - lavapipe (CPU): Winograd F(4x4, 3x3): input transform -> 36 GEMMs -> output transform. It
//   does 4x fewer multiplies than direct convolution, and llvmpipe's cost is in loads, which the
//   GEMM amortises best. The GEMM shares weight loads across lanes with subgroupShuffle when the
//   device has the `subgroups` feature (~2.5x faster GEMM), else uses a plain register tile.
// - real GPUs: a workgroup-memory tiled implicit GEMM (conv2d-tiled).
import { type Dispatch, grid1d } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import { makeOp, type Op } from '../runtime/op.ts';
import type { Tensor } from '../runtime/tensor.ts';
import type { VggLayer } from '../weights/vgg.ts';
import { describe, featureElements, type FeatureMap } from './layout.ts';

export type ConvVariant = 'winograd' | 'winograd-subgroup' | 'tiled';

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

/** Winograd intermediates; one pair can serve every layer of a network (see convScratchElements). */
export interface ConvScratch {
  v: Tensor<'f32'>;
  m: Tensor<'f32'>;
}

export interface ConvOptions {
  /** Fuse 2x2 stride-2 max pooling (floor mode) into the output write: `output` is half size. */
  pool?: boolean;
  /** Shared Winograd scratch; without it the op allocates its own and frees it in dispose(). */
  scratch?: ConvScratch;
  /** Maps stacked one after another in `input` and `output` (several targets' windows); default 1. */
  batch?: number;
}

export interface ConvOp extends Op {
  /** 2*H*W*cin*cout*9: the direct-convolution count, whatever the algorithm does. */
  readonly flops: number;
}

const WG = 64;
const TILE = 4; // Winograd output tile side
const POSITIONS = 36; // (TILE + 2)^2 GEMMs
const ROW_BLOCK = 4; // GEMM rows (tiles) per invocation

const round4 = (n: number) => Math.ceil(n / 4) * 4;

export function convFlops(height: number, width: number, cin: number, cout: number): number {
  return 2 * height * width * cin * cout * 9;
}

/** Tiled implicit GEMM on GPUs; on lavapipe, Winograd with the subgroup GEMM where the device allows. */
export function defaultConvVariant(engine: Engine): ConvVariant {
  if (!engine.adapterReport.software) return 'tiled';
  return subgroupGemmSupported(engine) ? 'winograd-subgroup' : 'winograd';
}

/** The subgroup GEMM passes values among the 8 lanes of a workgroup, so subgroups must hold 8. */
export function subgroupGemmSupported(engine: Engine): boolean {
  return engine.device.features.has('subgroups') && (engine.adapter.info.subgroupMinSize ?? 0) >= 8;
}

/** Output-channel vec4s per GEMM column block. */
function columnBlock(variant: ConvVariant): number {
  return variant === 'winograd-subgroup' ? 4 : 1;
}

/** Uploads a layer's weights, repacked once for `variant` (default: the adapter's) and the channel subset. */
export function uploadConvWeights(engine: Engine, layer: VggLayer, options: UploadOptions = {}): ConvWeights {
  const variant = options.variant ?? defaultConvVariant(engine);
  if (variant === 'winograd-subgroup' && !subgroupGemmSupported(engine)) {
    throw new Error(`${layer.name}: winograd-subgroup needs a device with the subgroups feature and subgroups of 8+ lanes`);
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
  const packed = variant === 'tiled' ? packDirect(layer, channels) : packWinograd(layer, channels, columnBlock(variant));
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

// Lavin's F(4x4, 3x3) filter transform G (6x3); the input and output transforms are in the shaders.
const G = [
  [1 / 4, 0, 0],
  [-1 / 6, -1 / 6, -1 / 6],
  [-1 / 6, 1 / 6, -1 / 6],
  [1 / 24, 1 / 12, 1 / 6],
  [1 / 24, -1 / 12, 1 / 6],
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
  const g = new Float64Array(9);
  const t = new Float64Array(18);
  channels.forEach((co, j) => {
    const n4 = j >> 2;
    const colBase = (Math.floor(n4 / block) * K * block + (n4 % block)) * 4 + (j & 3);
    for (let ci = 0; ci < cin; ci++) {
      for (let tap = 0; tap < 9; tap++) g[tap] = weight[(tap * cin + ci) * cout + co];
      for (let a = 0; a < 6; a++) {
        for (let kx = 0; kx < 3; kx++) t[a * 3 + kx] = G[a][0] * g[kx] + G[a][1] * g[3 + kx] + G[a][2] * g[6 + kx];
      }
      const dst = colBase + ci * block * 4;
      for (let a = 0; a < 6; a++) {
        for (let b = 0; b < 6; b++) {
          const u = t[a * 3] * G[b][0] + t[a * 3 + 1] * G[b][1] + t[a * 3 + 2] * G[b][2];
          out[(a * 6 + b) * posStride + dst] = u;
        }
      }
    }
  });
  return out;
}

interface WinogradShape {
  tilesX: number;
  /** Tiles per map; the GEMM rows are the tiles of the whole batch. */
  tiles: number;
  tilesPad: number;
  cin4: number;
  /** vec4 per row of M: output vec4s rounded up to the GEMM's column block. */
  n4: number;
}

/** What the Winograd scratch size depends on: known before the weights are uploaded. */
export type ConvScratchKey = Pick<ConvWeights, 'variant' | 'outChannels'>;

function winogradShape(input: { height: number; width: number; channels: number }, weights: ConvScratchKey, batch: number): WinogradShape {
  const tilesX = Math.ceil(input.width / TILE);
  const tiles = tilesX * Math.ceil(input.height / TILE);
  const block = columnBlock(weights.variant);
  return {
    tilesX,
    tiles,
    tilesPad: Math.ceil((tiles * batch) / ROW_BLOCK) * ROW_BLOCK,
    cin4: input.channels / 4,
    n4: Math.ceil(weights.outChannels / 4 / block) * block,
  };
}

/** f32 elements of the Winograd scratch tensors a layer needs for `batch` maps (zero for the tiled variant). */
export function convScratchElements(
  input: { height: number; width: number; channels: number },
  weights: ConvScratchKey,
  batch = 1,
): { v: number; m: number } {
  if (weights.variant === 'tiled') return { v: 0, m: 0 };
  const s = winogradShape(input, weights, batch);
  return { v: POSITIONS * s.tilesPad * s.cin4 * 4, m: POSITIONS * s.tilesPad * s.n4 * 4 };
}

function checkShapes(input: FeatureMap, weights: ConvWeights, output: FeatureMap, pool: boolean, batch: number): string {
  const shapes = `${batch > 1 ? `${batch} x ` : ''}${describe(input)} -> ${describe(output)}${pool ? ' (pooled)' : ''}`;
  const fail = (why: string): never => {
    throw new RangeError(`conv2d3x3 ${weights.name} ${shapes}: ${why}`);
  };
  if (input.pad !== 1 || output.pad !== 1) fail('input and output need a 1-cell zero border');
  if (input.channels !== round4(weights.cin)) fail(`input needs ${round4(weights.cin)} channels for cin ${weights.cin}`);
  if (output.channels !== weights.outChannels) fail(`output needs ${weights.outChannels} channels`);
  const [h, w] = pool ? [Math.floor(input.height / 2), Math.floor(input.width / 2)] : [input.height, input.width];
  if (output.height !== h || output.width !== w) fail(`output must be ${h}x${w}`);
  if (h < 1 || w < 1) fail('empty output');
  if (!Number.isInteger(batch) || batch < 1) fail(`batch ${batch} is not a positive whole number`);
  if (input.tensor.size < batch * featureElements(input)) fail(`input tensor holds fewer than ${batch} maps`);
  if (output.tensor.size < batch * featureElements(output)) fail(`output tensor holds fewer than ${batch} maps`);
  return shapes;
}

/**
 * Prepares the dispatches that convolve `input` into the interior of `output`. The output's
 * border is never written: allocate it zeroed (buffers from the pool may hold old data).
 */
export async function conv2d3x3(
  engine: Engine,
  input: FeatureMap,
  weights: ConvWeights,
  output: FeatureMap,
  options: ConvOptions = {},
): Promise<ConvOp> {
  const pool = options.pool ?? false;
  const batch = options.batch ?? 1;
  const shapes = checkShapes(input, weights, output, pool, batch);
  const flops = batch * convFlops(input.height, input.width, weights.cin, weights.cout);
  const name = `conv2d3x3 ${weights.name}`;
  if (weights.variant === 'tiled') {
    const d = await tiled(engine, input, weights, output, pool, batch, shapes);
    return { ...makeOp(engine, name, { steps: [d] }), flops };
  }
  const need = convScratchElements(input, weights, batch);
  const own = options.scratch ? null : {
    v: engine.tensor([need.v], `${weights.name} winograd V`),
    m: engine.tensor([need.m], `${weights.name} winograd M`),
  };
  const scratch = options.scratch ?? own!;
  if (scratch.v.size < need.v || scratch.m.size < need.m) {
    throw new RangeError(`conv2d3x3 ${weights.name} ${shapes}: scratch holds ${scratch.v.size}/${scratch.m.size}, needs ${need.v}/${need.m}`);
  }
  const steps = await winograd(engine, input, weights, output, pool, batch, scratch, shapes);
  return { ...makeOp(engine, name, { steps, owned: own ? [own.v, own.m] : [] }), flops };
}

async function winograd(
  engine: Engine,
  input: FeatureMap,
  weights: ConvWeights,
  output: FeatureMap,
  pool: boolean,
  batch: number,
  scratch: ConvScratch,
  shapes: string,
): Promise<Dispatch[]> {
  const s = winogradShape(input, weights, batch);
  const { height, width } = input;
  const op = `conv2d3x3 ${weights.name}`;
  const transform = engine.prepare({
    op: `${op} winograd input`,
    shader: 'conv2d3x3-wino-input',
    constants: { WG },
    buffers: { input: input.tensor, v: scratch.v },
    params: { width, height, cin4: s.cin4, tilesX: s.tilesX, tiles: s.tiles, batch, tilesPad: s.tilesPad },
    workgroups: grid1d(s.tilesPad * s.cin4, WG),
    shapes,
  });
  const subgroup = weights.variant === 'winograd-subgroup';
  const gemm = engine.prepare({
    op: `${op} winograd gemm`,
    shader: subgroup ? 'conv2d3x3-wino-gemm-subgroup' : 'conv2d3x3-wino-gemm',
    buffers: { v: scratch.v, u: weights.weights, m: scratch.m },
    params: { tilesPad: s.tilesPad, k4: s.cin4, n4: s.n4 },
    workgroups: [Math.ceil(s.tilesPad / ROW_BLOCK / 8), s.n4 / columnBlock(weights.variant), POSITIONS],
    shapes,
  });
  const out = engine.prepare({
    op: `${op} winograd output`,
    shader: 'conv2d3x3-wino-output',
    constants: { WG, POOL: pool ? 1 : 0 },
    buffers: { m: scratch.m, bias: weights.bias, out: output.tensor },
    params: {
      width, height, n4: s.n4, cout4: output.channels / 4,
      tilesX: s.tilesX, tiles: s.tiles, batch, tilesPad: s.tilesPad, outWidth: output.width, outHeight: output.height,
    },
    workgroups: grid1d(s.tiles * batch * (output.channels / 4), WG),
    shapes,
  });
  return Promise.all([transform, gemm, out]);
}

function tiled(engine: Engine, input: FeatureMap, weights: ConvWeights, output: FeatureMap, pool: boolean, batch: number, shapes: string) {
  const blocksX = Math.ceil(input.width / 2);
  const blocks = blocksX * Math.ceil(input.height / 2);
  const cout4 = output.channels / 4;
  return engine.prepare({
    op: `conv2d3x3 ${weights.name} tiled`,
    shader: 'conv2d3x3-tiled',
    constants: { POOL: pool ? 1 : 0 },
    buffers: { input: input.tensor, weights: weights.weights, bias: weights.bias, out: output.tensor },
    params: {
      width: input.width, height: input.height, cin4: input.channels / 4, cout4,
      blocksX, blocks, outWidth: output.width, outHeight: output.height,
    },
    workgroups: [Math.ceil(blocks / 8), Math.ceil(cout4 / 8), batch],
    shapes,
  });
}
