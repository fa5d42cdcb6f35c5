import { RidgeTrainer } from '../../src/kernels/ridge.ts';
import type { Step } from '../../src/runtime/dispatch.ts';
import type { Engine } from '../../src/runtime/engine.ts';
import { defaultConfig, type Profile } from '../../src/tracker/config.ts';
import type { KernelCase } from '../harness.ts';

const [F, C] = [45, 512];

/** A ridge net on a 45x45x512 map of ReLU-like values (pad 1). No early stop: every run computes. */
async function trainer(engine: Engine, template: [number, number], profile: Profile) {
  const data = Float32Array.from({ length: (F + 2) * (F + 2) * C }, (_, i) => ((i * 2654435761) % 997) / 10);
  const tensor = engine.upload([F + 2, F + 2, C], 'bench ridge x', 'f32', data);
  const config = { ...defaultConfig(profile).ridge, stopLoss: null };
  const t = await RidgeTrainer.create(engine, { tensor, height: F, width: F, channels: C, pad: 1 }, { template, config });
  return { t, release: () => (t.release(), tensor.release()) };
}

function ridgeCase(what: string, template: [number, number], profile: Profile, pick: (t: RidgeTrainer) => Step[], convs: number): KernelCase {
  const [fh, fw] = [template[0] + 2, template[1] + 2];
  return {
    name: `ridge ${what} ${F}x${F}x${C} k${fh}x${fw} ${profile}`,
    flops: convs * 2 * F * F * C * fh * fw,
    async setup(engine) {
      const { t, release } = await trainer(engine, template, profile);
      return { steps: pick(t), release };
    },
  };
}

const repeat = (t: RidgeTrainer, n: number) => Array.from({ length: n }, () => t.steps).flat();

export const cases: KernelCase[] = [
  ridgeCase('forward', [19, 11], 'official', (t) => [t.dispatches.forward], 1),
  ridgeCase('weight grad + adam', [19, 11], 'official', (t) => [t.dispatches.update], 1),
  ridgeCase('iteration', [19, 11], 'official', (t) => t.steps, 2),
  ridgeCase('iteration', [11, 11], 'official', (t) => t.steps, 2),
  ridgeCase('100 iterations', [19, 11], 'pytorch-port', (t) => repeat(t, 100), 200),
  ridgeCase('100 iterations', [11, 11], 'pytorch-port', (t) => repeat(t, 100), 200),
];
