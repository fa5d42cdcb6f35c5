// npm run bench -- backbone [--size 180] [--variant winograd|winograd-subgroup|tiled] [--layers]
// The VGG trunk per frame (synthetic weights): all of conv4_3, then conv4_3 restricted to 300
// channels as after frame 1. --layers adds a row per conv layer; --variant forces a kernel
// variant (default: the adapter's, see defaultConvVariant).
import { parseArgs } from 'node:util';
import type { ConvVariant } from '../src/kernels/conv-weights.ts';
import type { Step } from '../src/runtime/dispatch.ts';
import type { Engine } from '../src/runtime/engine.ts';
import { createBackbone } from '../src/tracker/backbone.ts';
import { syntheticVggWeights } from '../src/weights/synthetic.ts';
import { measure, printRow, toRow } from './harness.ts';

export async function run(engine: Engine, opts: { json: boolean; runs: number; argv: string[] }): Promise<void> {
  const { values } = parseArgs({
    args: opts.argv,
    strict: false,
    options: { size: { type: 'string', default: '180' }, variant: { type: 'string' }, layers: { type: 'boolean' } },
  });
  await bench(engine, Number(values.size), values.variant as ConvVariant | undefined, values.layers === true, opts);
}

async function bench(engine: Engine, size: number, variant: ConvVariant | undefined, layers: boolean, opts: { json: boolean; runs: number }) {
  const weights = syntheticVggWeights();
  const backbone = await createBackbone(engine, weights, { size, variant });
  const random = Float32Array.from({ length: backbone.input.tensor.size }, () => Math.random() * 255 - 128);
  backbone.input.tensor.write(random);
  const label = `backbone ${size}x${size} ${variant ?? 'default'}`;
  const row = async (name: string, steps: readonly Step[], flops: number) => {
    const t = await measure(engine, steps, opts.runs);
    const r = toRow('backbone', name, engine.adapterName, t, flops);
    printRow({ ...r, fps: 1000 / r.medianMs }, opts.json);
    if (!opts.json) console.log(`${''.padEnd(52)}  ${(flops / t.cpuMsPerCore / 1e6).toFixed(1)} GFLOP/s per CPU time`);
  };
  try {
    await row(`${label} full (${(backbone.flops / 1e9).toFixed(2)} GFLOP)`, backbone.steps, backbone.flops);
    if (layers) {
      // Each layer in its own submission: the frame's split by layer.
      for (const l of backbone.layers) await row(`  ${l.name}`, l.steps, l.flops);
    }
    const subset = Array.from({ length: 300 }, (_, i) => (i * 7) % 512);
    await backbone.restrictConv43(subset);
    await row(`${label} conv4_3 300 ch (${(backbone.flops / 1e9).toFixed(2)} GFLOP)`, backbone.steps, backbone.flops);
  } finally {
    backbone.release();
  }
}
