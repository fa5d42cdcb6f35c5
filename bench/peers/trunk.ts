// What the peers bench runs: TADT's VGG-16 trunk (conv1_1..conv4_3, pool1 and pool2, no pool3) and
// each of its conv layers alone, on batch-1 maps (DenseMap is HWC: NHWC with N = 1). Every engine
// is handed the same units.
import type { DenseMap } from '../../src/reference/conv2d3x3.ts';
import { mulberry32 } from '../../src/util/random.ts';
import { VGG_CONV_LAYERS, type VggWeights } from '../../src/weights/vgg.ts';
import type { ConvSpec } from './onnx-writer.ts';

export type { DenseMap };

export interface Unit {
  /** "trunk", or a layer name. */
  name: string;
  /** Index of the first and last conv layer in VGG_CONV_LAYERS. */
  first: number;
  last: number;
  layers: ConvSpec[];
  flops: number;
}

/** The 2x2 max-pools TADT keeps follow these layers (src/tracker/backbone.ts fuses them into the conv). */
const POOLED_AFTER = new Set(['conv1_2', 'conv2_2']);

export const INPUT_SEED = 12;

export function trunkUnits(weights: VggWeights, size: number): Unit[] {
  const layers: ConvSpec[] = VGG_CONV_LAYERS.map((spec, i) => ({ ...weights.layers[i]!, pool: POOLED_AFTER.has(spec.name) }));
  let side = size;
  const flops = layers.map((l) => {
    const f = 2 * side * side * l.cin * l.cout * 9;
    if (l.pool) side /= 2;
    return f;
  });
  const unit = (name: string, first: number, last: number): Unit => ({
    name, first, last, layers: layers.slice(first, last + 1), flops: flops.slice(first, last + 1).reduce((a, b) => a + b, 0),
  });
  return [unit('trunk', 0, layers.length - 1), ...layers.map((l, i) => unit(l.name, i, i))];
}

/** A seeded size x size RGB image minus 128, as the crop kernel hands the trunk. */
export function seededImage(size: number, seed = INPUT_SEED): DenseMap {
  const random = mulberry32(seed);
  const data = Float32Array.from({ length: size * size * 3 }, () => Math.floor(random() * 256) - 128);
  return { height: size, width: size, channels: 3, data };
}

export function toNchw(map: DenseMap): Float32Array {
  const { height, width, channels, data } = map;
  const out = new Float32Array(data.length);
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < channels; c++) out[c * height * width + p] = data[p * channels + c]!;
  }
  return out;
}

export function fromNchw(data: Float32Array, height: number, width: number, channels: number): DenseMap {
  const out = new Float32Array(data.length);
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < channels; c++) out[p * channels + c] = data[c * height * width + p]!;
  }
  return { height, width, channels, data: out };
}

/** The output side of a unit fed a map of side `side`. */
export function outputSide(unit: Unit, side: number): number {
  return unit.layers.reduce((s, l) => (l.pool ? Math.floor(s / 2) : s), side);
}

/** The units whose names contain one of `filter`'s comma-separated parts (all units without a filter). */
export function selectUnits(units: readonly Unit[], filter: string | undefined): Unit[] {
  const parts = (filter ?? '').split(',').filter(Boolean);
  const selected = units.filter((u) => parts.length === 0 || parts.some((p) => u.name.includes(p)));
  if (selected.length === 0) throw new Error(`--filter ${filter} matches no unit (trunk, ${units.slice(1).map((u) => u.name).join(', ')})`);
  return selected;
}
