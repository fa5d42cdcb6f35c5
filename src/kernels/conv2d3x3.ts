// 3x3 convolution, stride 1, zero pad 1, + bias + ReLU (optionally + 2x2 max pooling) between
// FeatureMaps with a 1-cell zero border. Two designs, picked by adapter:
// - lavapipe (CPU): Winograd F(6x6, 3x3): input transform -> 64 GEMMs -> output transform. It
//   does 5x fewer multiplies than direct convolution, and llvmpipe's cost is in loads, which the
//   GEMM amortises best. The GEMM shares weight loads across lanes with subgroupShuffle when the
//   device has the `subgroups` feature (~2.5x faster GEMM), else uses a plain register tile.
//   For at most 4 input channels (conv1_1) a direct kernel that shares weights the same way.
// - real GPUs: a workgroup-memory tiled implicit GEMM (conv2d-tiled).
import { type Dispatch, grid1d } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import { makeOp, type Op } from '../runtime/op.ts';
import type { Tensor } from '../runtime/tensor.ts';
import { columnBlock, type ConvWeights, POSITIONS, round4, TILE } from './conv-weights.ts';
import { describe, featureElements, type FeatureMap } from './layout.ts';

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
const ROW_BLOCK = 4; // GEMM rows (tiles) per invocation

export function convFlops(height: number, width: number, cin: number, cout: number): number {
  return 2 * height * width * cin * cout * 9;
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

/** f32 elements of the Winograd scratch tensors a layer needs for `batch` maps (zero for the direct variants). */
export function convScratchElements(
  input: { height: number; width: number; channels: number },
  weights: ConvScratchKey,
  batch = 1,
): { v: number; m: number } {
  if (weights.variant === 'tiled' || weights.variant === 'direct-subgroup') return { v: 0, m: 0 };
  const s = winogradShape(input, weights, batch);
  return { v: POSITIONS * s.tilesPad * s.cin4 * 4, m: POSITIONS * s.tilesPad * s.n4 * 4 };
}

function checkShapes(input: FeatureMap, weights: ConvWeights, output: FeatureMap, pool: boolean, batch: number): string {
  const shapes = `${batch > 1 ? `${batch} x ` : ''}${describe(input)} -> ${describe(output)}${pool ? ' (pooled)' : ''}`;
  const fail = (why: string): never => {
    throw new RangeError(`conv2d3x3 ${weights.name} ${shapes}: ${why}`);
  };
  if (input.pad !== 1 || output.pad !== 1) fail('input and output need a 1-cell zero border');
  if (pool && weights.variant === 'direct-subgroup') fail('the direct-subgroup variant does not pool');
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
  if (weights.variant === 'tiled' || weights.variant === 'direct-subgroup') {
    const d = await (weights.variant === 'tiled' ? tiled(engine, input, weights, output, pool, batch, shapes) : direct(engine, input, weights, output, batch, shapes));
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

function direct(engine: Engine, input: FeatureMap, weights: ConvWeights, output: FeatureMap, batch: number, shapes: string) {
  const groupsX = Math.ceil(input.width / 4);
  const groups = groupsX * input.height;
  return engine.prepare({
    op: `conv2d3x3 ${weights.name} direct`,
    shader: 'conv2d3x3-direct-subgroup',
    buffers: { input: input.tensor, weights: weights.weights, bias: weights.bias, out: output.tensor },
    params: { width: input.width, height: input.height, cin4: input.channels / 4, cout4: output.channels / 4, groupsX, groups },
    workgroups: [Math.ceil(groups / 8), Math.ceil(output.channels / 16), batch],
    shapes,
  });
}
