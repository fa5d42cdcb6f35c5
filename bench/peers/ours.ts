// Our engine as a peers-bench runner. The only file of the bench that knows our engine's internals
// (the backbone, its map layout); keep it small so that engine changes touch one place.
import { featureIndex, type FeatureMap } from '../../src/kernels/layout.ts';
import type { Engine } from '../../src/runtime/engine.ts';
import { createBackbone } from '../../src/tracker/backbone.ts';
import type { VggWeights } from '../../src/weights/vgg.ts';
import type { PreparedUnit, Runner } from './runner.ts';
import type { DenseMap, Unit } from './trunk.ts';

/** The dense interior of a bordered, channel-padded map, `channels` channels kept. */
async function readMap(map: FeatureMap, channels: number): Promise<DenseMap> {
  const padded = await map.tensor.read();
  const data = new Float32Array(map.height * map.width * channels);
  for (let y = 0; y < map.height; y++) {
    for (let x = 0; x < map.width; x++) {
      const from = featureIndex(map, y, x, 0);
      data.set(padded.subarray(from, from + channels), (y * map.width + x) * channels);
    }
  }
  return { height: map.height, width: map.width, channels, data };
}

/**
 * The backbone runs a single layer on its own previous layer's map, not on a given input: the
 * image is written and the whole trunk run once here, so that every layer's input map holds the
 * image's features; a layer unit's `input` is then ignored. Only the trunk's output (relu4_3) is
 * read back: the backbone does not expose the other layers' maps.
 */
export async function oursRunner(engine: Engine, weights: VggWeights, image: DenseMap): Promise<Runner> {
  const backbone = await createBackbone(engine, weights, { size: image.height });
  // The crop kernel's layout: RGB and a zero fourth channel, inside a zero border.
  const padded = new Float32Array(backbone.input.tensor.size);
  for (let p = 0; p < image.height * image.width; p++) {
    padded.set(image.data.subarray(p * 3, p * 3 + 3), featureIndex(backbone.input, Math.floor(p / image.width), p % image.width, 0));
  }
  backbone.input.tensor.write(padded);
  await engine.run(backbone.steps);
  return {
    name: 'ours',
    about: `tadt-webgpu backbone (default conv variant for the adapter)`,
    async prepare(unit: Unit): Promise<PreparedUnit> {
      const trunk = unit.name === 'trunk';
      const steps = trunk ? backbone.steps : backbone.layers[unit.first]!.steps;
      return {
        async run() {
          await engine.run(steps);
          await engine.finish();
        },
        output: async () => (trunk ? readMap(backbone.relu43, unit.layers[unit.layers.length - 1]!.cout) : null),
        async dispose() {},
      };
    },
    async close() {
      backbone.release();
    },
  };
}
