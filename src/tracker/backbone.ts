// The VGG-16 trunk TADT runs per frame: conv1_1..conv4_3 with pool1 and pool2 (no pool3, total
// stride 4), every conv 3x3 + bias + ReLU. Buffers and dispatches are built once; a frame is one
// engine.run(backbone.steps) with no readback. Pooling is fused into conv1_2 and conv2_2.
import { conv2d3x3, type ConvOp, type ConvScratch, convScratchElements } from '../kernels/conv2d3x3.ts';
import { type ConvVariant, type ConvWeights, defaultConvVariant, uploadConvWeights } from '../kernels/conv-weights.ts';
import { fill } from '../kernels/fill.ts';
import { featureElements, type FeatureMap } from '../kernels/layout.ts';
import type { Step } from '../runtime/dispatch.ts';
import { BufferPool } from '../runtime/buffer-pool.ts';
import type { Engine } from '../runtime/engine.ts';
import type { Op } from '../runtime/op.ts';
import { VGG_CONV_LAYERS, type VggLayer, type VggWeights } from '../weights/vgg.ts';

export interface BackboneOptions {
  /** Input side, a multiple of 4 (TADT uses 4(2k+1): 180 -> 45x45 features). Default 180. */
  size?: number;
  /** Kernel variant for every layer; default: the adapter's for each layer (see defaultConvVariant). */
  variant?: ConvVariant;
  /** Windows run at once (one per target), stacked in every map; default 1. See maxBackboneBatch. */
  batch?: number;
}

export interface Backbone extends Op {
  readonly size: number;
  /** Maps per tensor: each map below describes map 0, and map b follows at b * featureElements(map). */
  readonly batch: number;
  /** size x size x 4 (RGB and a zero channel), border 1: the crop kernel writes the interior. */
  readonly input: FeatureMap;
  /** size/4 square, 512 channels, border 1. */
  readonly relu41: FeatureMap;
  /** size/4 square, border 1; 512 channels, or the restricted subset in its order (padded to 4). */
  readonly relu43: FeatureMap;
  /** One frame's work, to run in one engine.run. Rebuilt by restrictConv43. */
  readonly steps: readonly Step[];
  /** Convolution FLOPs per frame (direct-convolution count) with the current conv4_3 channels. */
  readonly flops: number;
  /** `steps` split by conv layer, for profiling. */
  readonly layers: readonly { name: string; steps: readonly Step[]; flops: number }[];
  /** conv4_3's computed channels, or null when all 512 are. */
  readonly conv43Channels: readonly number[] | null;
  /** Computes only these conv4_3 channels from now on (null: all). relu43 is a new map afterwards. */
  restrictConv43(channels: readonly number[] | null): Promise<void>;
}

interface Stage {
  layer: VggLayer;
  weights: ConvWeights;
  from: FeatureMap;
  to: FeatureMap;
  pool: boolean;
  op: ConvOp;
}

const POOLED = new Set(['conv1_2', 'conv2_2']);

/** Map side and channels of each layer's input and output, for a `size` input. */
function layerShapes(size: number): { from: { height: number; width: number; channels: number }; to: { height: number; width: number; channels: number } }[] {
  let side = size;
  let channels = 4;
  return VGG_CONV_LAYERS.map((spec) => {
    const from = { height: side, width: side, channels };
    if (POOLED.has(spec.name)) side /= 2;
    channels = Math.ceil(spec.cout / 4) * 4;
    return { from, to: { height: side, width: side, channels } };
  });
}

/**
 * The most windows of side `size` one backbone can run at once: every map and Winograd scratch
 * buffer holds the whole batch and must fit one storage binding (128 MiB on lavapipe: 9 windows
 * of 180, where conv1_2's scratch takes 14.7 MB per window).
 */
export function maxBackboneBatch(engine: Engine, size: number, variant?: ConvVariant): number {
  const limits = engine.device.limits;
  const limit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const fits = (batch: number) =>
    layerShapes(size).every(({ from, to }) => {
      const scratch = convScratchElements(from, { variant: variant ?? defaultConvVariant(engine, from.channels), outChannels: to.channels }, batch);
      const map = batch * featureElements({ ...to, pad: 1 });
      return [scratch.v, scratch.m, map].every((n) => BufferPool.sizeClass(4 * n) <= limit);
    });
  let batch = 1;
  while (batch < 1024 && fits(batch + 1)) batch++;
  return batch;
}

/** Uploads the trunk's weights, allocates every map and prepares the per-frame dispatches. */
export async function createBackbone(engine: Engine, weights: VggWeights, options: BackboneOptions = {}): Promise<Backbone> {
  const size = options.size ?? 180;
  if (!Number.isInteger(size) || size < 4 || size % 4 !== 0) throw new RangeError(`backbone input size ${size} is not a positive multiple of 4`);
  VGG_CONV_LAYERS.forEach((spec, i) => {
    const l = weights.layers[i];
    if (!l || l.name !== spec.name || l.cin !== spec.cin || l.cout !== spec.cout) {
      throw new RangeError(`backbone layer ${i}: expected ${spec.name} ${spec.cin}->${spec.cout}, got ${l ? `${l.name} ${l.cin}->${l.cout}` : 'nothing'}`);
    }
  });
  const batch = options.batch ?? 1;
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`backbone batch ${batch} is not a positive whole number`);
  const backbone = new VggBackbone(engine, size, batch, options.variant);
  await backbone.build(weights.layers.slice(0, VGG_CONV_LAYERS.length));
  return backbone;
}

class VggBackbone implements Backbone {
  readonly name = 'backbone';
  readonly input: FeatureMap;
  private stages: Stage[] = [];
  private readonly maps: FeatureMap[] = [];
  private scratch: ConvScratch | null = null;

  constructor(
    private readonly engine: Engine,
    readonly size: number,
    readonly batch: number,
    private readonly variant: ConvVariant | undefined,
  ) {
    this.input = this.map(size, 4, 'backbone input');
  }

  get relu41(): FeatureMap {
    return this.stages[7].to;
  }

  get relu43(): FeatureMap {
    return this.stages[9].to;
  }

  get steps(): Step[] {
    return this.stages.flatMap((s) => s.op.steps);
  }

  get layers(): { name: string; steps: readonly Step[]; flops: number }[] {
    return this.stages.map((s) => ({ name: s.layer.name, steps: s.op.steps, flops: s.op.flops }));
  }

  get flops(): number {
    return this.stages.reduce((n, s) => n + s.op.flops, 0);
  }

  get conv43Channels(): readonly number[] | null {
    return this.stages[9].weights.subset;
  }

  async build(layers: VggLayer[]): Promise<void> {
    const uploaded = layers.map((layer) => uploadConvWeights(this.engine, layer, { variant: this.variant }));
    let from = this.input;
    const plan = layers.map((layer, i) => {
      const pool = POOLED.has(layer.name);
      const side = pool ? from.height / 2 : from.height;
      const to = this.map(side, uploaded[i].outChannels, `backbone ${layer.name}`);
      const stage = { layer, weights: uploaded[i], from, to, pool };
      from = to;
      return stage;
    });
    this.scratch = this.allocScratch(plan);
    await this.zero(this.maps);
    this.stages = await Promise.all(plan.map(async (s) => ({ ...s, op: await this.prepare(s) })));
  }

  async restrictConv43(channels: readonly number[] | null): Promise<void> {
    const old = this.stages[9];
    const weights = uploadConvWeights(this.engine, old.layer, { variant: this.variant, outChannels: channels ?? undefined });
    const to = this.map(old.from.height, weights.outChannels, `backbone conv4_3${channels ? `[${channels.length}]` : ''}`);
    await this.zero([to]);
    const stage = { ...old, weights, to };
    this.stages[9] = { ...stage, op: await this.prepare(stage) };
    old.op.release();
    old.weights.release();
    this.maps.splice(this.maps.indexOf(old.to), 1);
    old.to.tensor.release();
  }

  /** No per-call values: the input map is written by the crop. */
  async set(): Promise<void> {}

  release(): void {
    for (const s of this.stages) {
      s.op.release();
      s.weights.release();
    }
    this.stages = [];
    for (const m of this.maps) m.tensor.release();
    this.maps.length = 0;
    this.scratch?.v.release();
    this.scratch?.m.release();
    this.scratch = null;
  }

  private prepare(s: Omit<Stage, 'op'>): Promise<ConvOp> {
    return conv2d3x3(this.engine, s.from, s.weights, s.to, { pool: s.pool, scratch: this.scratch ?? undefined, batch: this.batch });
  }

  private map(side: number, channels: number, label: string): FeatureMap {
    const shape = { height: side, width: side, channels, pad: 1 };
    const map = { ...shape, tensor: this.engine.tensor([this.batch * featureElements(shape)], label) };
    this.maps.push(map);
    return map;
  }

  /** One pair of Winograd scratch buffers, as large as the largest layer needs (layers run in turn). */
  private allocScratch(plan: Omit<Stage, 'op'>[]): ConvScratch | null {
    let v = 0;
    let m = 0;
    for (const s of plan) {
      const need = convScratchElements(s.from, s.weights, this.batch);
      v = Math.max(v, need.v);
      m = Math.max(m, need.m);
    }
    if (v === 0) return null;
    return { v: this.engine.tensor([v], 'backbone winograd V'), m: this.engine.tensor([m], 'backbone winograd M') };
  }

  /** Pooled buffers may hold old data, and the convs never write the borders. */
  private async zero(maps: FeatureMap[]): Promise<void> {
    const fills = await Promise.all(maps.map((m) => fill(this.engine, m.tensor, 0)));
    await this.engine.run(fills.flatMap((f) => [...f.steps]));
    for (const f of fills) f.release();
  }
}
