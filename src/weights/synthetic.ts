// Deterministic stand-in weights for when no real VGG-16 file is installed. Zero-mean filters
// keep activations near the input's 0-255 scale through conv4_3 (plain He-normal init lets the
// tracker's scale search run away); ../shared/weights/README.md, beside the repository, says why
// the gain is 1.3.
import { mulberry32, normalGenerator } from '../util/random.ts';
import { KERNEL_SIZE, VGG_CONV_LAYERS, type VggLayer, type VggLayerSpec, type VggWeights } from './vgg.ts';

export const SYNTHETIC_SEED = 20190401;
export const SYNTHETIC_GAIN = 1.3;

export interface SyntheticOptions {
  seed?: number;
  specs?: readonly VggLayerSpec[];
}

/**
 * One mulberry32(seed) stream feeds Box-Muller normals for all layers, in layer order; within a
 * layer, output channel co = 0..cout-1 in turn draws its 9*cin values in HWIO order (ky, kx, ci).
 * Each filter is shifted to mean 0 and scaled to std 1 (population std, in float64), then
 * multiplied by He's std sqrt(2 / (9*cin)) and by 1.3, and rounded to f32. Biases are 0.
 */
export function syntheticVggWeights(opts: SyntheticOptions = {}): VggWeights {
  const seed = opts.seed ?? SYNTHETIC_SEED;
  const normal = normalGenerator(mulberry32(seed));
  const layers = (opts.specs ?? VGG_CONV_LAYERS).map((spec): VggLayer => {
    const { cin, cout } = spec;
    const n = KERNEL_SIZE * KERNEL_SIZE * cin;
    const weight = new Float32Array(n * cout);
    const filter = new Float64Array(n);
    const scale = Math.sqrt(2 / n) * SYNTHETIC_GAIN;
    for (let co = 0; co < cout; co++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += filter[k] = normal();
      const mean = sum / n;
      let sq = 0;
      for (let k = 0; k < n; k++) sq += (filter[k]! - mean) ** 2;
      const factor = scale / Math.sqrt(sq / n);
      for (let k = 0; k < n; k++) weight[k * cout + co] = (filter[k]! - mean) * factor;
    }
    return { name: spec.name, cin, cout, weight, bias: new Float32Array(cout) };
  });
  return { layers, source: { kind: 'synthetic', seed }, synthetic: true };
}

/**
 * The banner every host shows while tracking on synthetic weights: `lookedFor` says where real
 * weights were sought, `install` how to get them on this host.
 */
export function syntheticWarning(lookedFor: string, install: readonly string[]): string {
  return [
    '*'.repeat(78),
    `WARNING: no VGG-16 weights found (${lookedFor}).`,
    `Using SYNTHETIC random weights (mulberry32 seed ${SYNTHETIC_SEED}). Tracking runs, but results are`,
    'NOT those of TADT with pretrained weights.',
    ...install,
    '*'.repeat(78),
  ].join('\n');
}
