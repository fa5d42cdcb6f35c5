// VGG-16 conv1_1..conv4_3 from a MatConvNet "simplenn" MAT-file, re-laid out for our kernels.
import { WeightFileError } from './errors.ts';
import { isCell, isNumeric, isStruct, MatError, numel, readMatBlob, type MatStruct, type MatValue } from './mat.ts';

export interface VggLayerSpec { name: string; cin: number; cout: number }

/** The 10 conv layers TADT runs (no pool3, stops at conv4_3). All are 3x3, stride 1, pad 1. */
export const VGG_CONV_LAYERS: readonly VggLayerSpec[] = Object.freeze([
  { name: 'conv1_1', cin: 3, cout: 64 }, { name: 'conv1_2', cin: 64, cout: 64 },
  { name: 'conv2_1', cin: 64, cout: 128 }, { name: 'conv2_2', cin: 128, cout: 128 },
  { name: 'conv3_1', cin: 128, cout: 256 }, { name: 'conv3_2', cin: 256, cout: 256 },
  { name: 'conv3_3', cin: 256, cout: 256 }, { name: 'conv4_1', cin: 256, cout: 512 },
  { name: 'conv4_2', cin: 512, cout: 512 }, { name: 'conv4_3', cin: 512, cout: 512 },
]);

export const KERNEL_SIZE = 3;

export interface VggLayer extends VggLayerSpec {
  /** HWIO row-major: index ((ky*3 + kx)*cin + ci)*cout + co; cross-correlation, not flipped. */
  weight: Float32Array;
  bias: Float32Array;
}

export interface WeightSource {
  kind: 'matconvnet' | 'synthetic';
  /** SHA-256 and base name of the MAT-file the weights came from. */
  sha256?: string;
  file?: string;
  /** PRNG seed of synthetic weights. */
  seed?: number;
}

export interface VggWeights {
  layers: VggLayer[];
  source: WeightSource;
  synthetic: boolean;
}

export function weightIndex(layer: { cin: number; cout: number }, co: number, ci: number, ky: number, kx: number): number {
  return ((ky * KERNEL_SIZE + kx) * layer.cin + ci) * layer.cout + co;
}

export function weightAt(layer: VggLayer, co: number, ci: number, ky: number, kx: number): number {
  return layer.weight[weightIndex(layer, co, ci, ky, kx)]!;
}

/** MatConvNet W(ky, kx, ci, co), column-major, to HWIO row-major. */
function toHwio(src: ArrayLike<number>, cin: number, cout: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let ky = 0; ky < KERNEL_SIZE; ky++) {
    for (let kx = 0; kx < KERNEL_SIZE; kx++) {
      const srcBase = ky + KERNEL_SIZE * kx;
      const dstBase = (ky * KERNEL_SIZE + kx) * cin * cout;
      for (let ci = 0; ci < cin; ci++) {
        for (let co = 0; co < cout; co++) out[dstBase + ci * cout + co] = src[srcBase + 9 * (ci + cin * co)]!;
      }
    }
  }
  return out;
}

function layerName(v: MatValue): string | undefined {
  return isStruct(v) && typeof v.name === 'string' ? v.name : undefined;
}

/** W and b of a conv layer: `weights = {W, b}` (current MatConvNet) or `filters`/`biases` (older). */
function convParams(layer: MatStruct): [MatValue | undefined, MatValue | undefined] {
  const w = layer.weights;
  if (isCell(w)) return [w[0], w[1]];
  return [layer.filters, layer.biases];
}

function shapeOf(v: MatValue | undefined): string {
  if (isNumeric(v)) return `${v.class} [${v.dims.join(',')}]`;
  return v === undefined ? 'missing' : `a non-numeric value`;
}

function extractLayer(file: string, layer: MatStruct, spec: VggLayerSpec): VggLayer {
  function fail(what: string): never {
    throw new MatError(file, `layer ${spec.name}: ${what}`);
  }
  const [w, b] = convParams(layer);
  const want = [KERNEL_SIZE, KERNEL_SIZE, spec.cin, spec.cout];
  if (!isNumeric(w) || (w.class !== 'single' && w.class !== 'double')) fail(`W is ${shapeOf(w)}, expected single [${want}]`);
  const wDims = w.dims;
  const dimsOk = want.every((d, i) => (wDims[i] ?? 1) === d) && wDims.slice(4).every((d) => d === 1);
  if (!dimsOk) fail(`W has shape [${wDims.join(',')}], expected [${want.join(',')}] (Cin ${spec.cin}, Cout ${spec.cout})`);
  if (!isNumeric(b) || (b.class !== 'single' && b.class !== 'double')) fail(`b is ${shapeOf(b)}, expected single [1,${spec.cout}]`);
  const bDims = b.dims;
  if (numel(bDims) !== spec.cout || bDims.filter((d) => d !== 1).length > 1) {
    fail(`b has shape [${bDims.join(',')}], expected [1,${spec.cout}] or [${spec.cout},1]`);
  }
  return {
    name: spec.name, cin: spec.cin, cout: spec.cout,
    weight: toHwio(w.data as Float32Array | Float64Array, spec.cin, spec.cout),
    bias: Float32Array.from(b.data as Float32Array | Float64Array),
  };
}

export interface ExtractOptions {
  /** Used in error messages and recorded as the source file. */
  file: string;
  sha256?: string;
  /** Layers to take and their shapes; VGG_CONV_LAYERS unless a test needs small ones. */
  specs?: readonly VggLayerSpec[];
}

/** Picks the conv layers out of a simplenn net's top-level variables, checking names and shapes. */
export function extractVgg(vars: Record<string, MatValue>, opts: ExtractOptions): VggWeights {
  const specs = opts.specs ?? VGG_CONV_LAYERS;
  const layers = vars.layers;
  if (!isCell(layers)) {
    throw new MatError(opts.file, 'no "layers" cell array: not a MatConvNet simplenn network');
  }
  const byName = new Map<string, MatStruct>();
  for (const l of layers) {
    const name = layerName(l);
    if (name !== undefined && !byName.has(name)) byName.set(name, l as MatStruct);
  }
  const out = specs.map((spec) => {
    const layer = byName.get(spec.name);
    if (!layer) {
      throw new MatError(opts.file, `layer ${spec.name} not found (layers present: ${[...byName.keys()].join(', ') || 'none'})`);
    }
    return extractLayer(opts.file, layer, spec);
  });
  const source: WeightSource = { kind: 'matconvnet', file: opts.file };
  if (opts.sha256) source.sha256 = opts.sha256;
  return { layers: out, source, synthetic: false };
}

/**
 * Reads only `layers`, and only up to the last conv layer needed (conv4_3 of 38 in the real file,
 * about 60 MB of its 0.5 GB); `file` names the blob in errors and in the weights' source.
 */
export async function readVggBlob(blob: Blob, file: string,
  opts: Omit<ExtractOptions, 'file'> & { onRead?: (bytes: number) => void } = {}): Promise<VggWeights> {
  const specs = opts.specs ?? VGG_CONV_LAYERS;
  const until = (items: readonly MatValue[]): boolean => {
    const names = new Set(items.map(layerName));
    return specs.every((s) => names.has(s.name));
  };
  const vars = await readMatBlob(blob, file, { variables: ['layers'], until, onRead: opts.onRead });
  return extractVgg(vars, { specs, sha256: opts.sha256, file });
}

/** Checks that loaded weights (e.g. from a cache) are the layers and shapes the backbone runs. */
export function checkVggLayers(weights: VggWeights, file: string, specs: readonly VggLayerSpec[] = VGG_CONV_LAYERS): void {
  specs.forEach((spec, i) => {
    const l = weights.layers[i];
    if (!l || l.name !== spec.name || l.cin !== spec.cin || l.cout !== spec.cout) {
      const got = l ? `${l.name} (Cin ${l.cin}, Cout ${l.cout})` : 'nothing';
      throw new WeightFileError(file, `layer ${i + 1} should be ${spec.name} (Cin ${spec.cin}, Cout ${spec.cout}), found ${got}`);
    }
  });
}

export function parameterCount(weights: VggWeights): number {
  return weights.layers.reduce((n, l) => n + l.weight.length + l.bias.length, 0);
}
