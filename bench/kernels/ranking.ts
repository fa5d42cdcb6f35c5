import { type ResizeMethod, RankingScorer, rankingSizes } from '../../src/kernels/ranking.ts';
import type { KernelCase } from '../harness.ts';

const [F, C] = [45, 512];

/** Samples and scorer for one kernel: the GPU part of the ranking branch (readback of a few KB not included). */
function rankingCase(kernel: [number, number], resize: ResizeMethod): KernelCase {
  const n = rankingSizes(F, kernel[0], kernel[1]).length;
  return {
    name: `ranking ${n} samples k${kernel[0]}x${kernel[1]} ${resize} ${F}x${F}x${C}`,
    flops: 2 * n * C * kernel[0] * kernel[1],
    async setup(engine) {
      const data = Float32Array.from({ length: (F + 2) * (F + 2) * C }, (_, i) => ((i * 2654435761) % 997) / 10);
      const tensor = engine.upload([F + 2, F + 2, C], 'bench ranking x', 'f32', data);
      const scorer = await RankingScorer.create(engine, { tensor, height: F, width: F, channels: C, pad: 1 }, { kernel, resize });
      return { steps: scorer.op.steps, release: () => (scorer.release(), tensor.release()) };
    },
  };
}

export const cases: KernelCase[] = [
  rankingCase([21, 13], 'bilinear-align-corners'),
  rankingCase([21, 13], 'bicubic-antialias'),
  rankingCase([13, 13], 'bilinear-align-corners'),
  rankingCase([13, 13], 'bicubic-antialias'),
];
