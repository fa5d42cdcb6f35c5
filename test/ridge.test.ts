import { expect } from 'chai';
import type { FeatureMap } from '../src/kernels/layout.ts';
import { initialWeights, type RidgeConfig, ridgeKernelSize, ridgeLabel, ridgeTile, RidgeTrainer, toChannelsFirst } from '../src/kernels/ridge.ts';
import { padHWC } from '../src/reference/channel-gather.ts';
import { type RidgeProblem, ridgeForwardCpu, ridgeLossCpu, ridgeTrainCpu, ridgeWeightGradCpu } from '../src/reference/ridge.ts';
import type { Engine } from '../src/runtime/engine.ts';
import { defaultConfig } from '../src/tracker/config.ts';
import { expectClose } from './helpers/close.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { seededArray } from './helpers/random.ts';

interface Case {
  name: string;
  H: number;
  W: number;
  C: number;
  template: [number, number];
}

const SMALL: Case = { name: 'small odd 9x11x20, template 3x5 (kernel 5x7)', H: 9, W: 11, C: 20, template: [3, 5] };
const WIDE: Case = { name: 'wide kernel 7x13x8, template 1x27 (kernel 3x29: two 15-tap tiles)', H: 7, W: 13, C: 8, template: [1, 27] };
const TADT: Case = { name: 'TADT 45x45x512, template 19x11 (kernel 21x13)', H: 45, W: 45, C: 512, template: [19, 11] };

function setup(engine: Engine, c: Case) {
  const [fh, fw] = ridgeKernelSize(c.template);
  const x = seededArray(c.H * c.W * c.C, c.C + c.H, -50, 100).map((v) => Math.max(0, v));
  const map: FeatureMap = { tensor: engine.upload([c.H + 2, c.W + 2, c.C], 'ridge x', 'f32', padHWC(x, c.H, c.W, c.C, 1)), height: c.H, width: c.W, channels: c.C, pad: 1 };
  const { label, weight } = ridgeLabel(c.H, c.W, c.template);
  const problem: RidgeProblem = { x, height: c.H, width: c.W, channels: c.C, fh, fw, label, labelWeight: weight };
  return { map, problem, init: initialWeights(c.C, fh, fw, 4321) };
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** dL/do as written by the loss kernel: H rows of gpWidth, the tail zero. */
async function readG(t: RidgeTrainer): Promise<Float32Array> {
  const { height: H, width: W } = t.shape;
  const gp = await t.buffers.gp.read();
  const w = gp.length / H;
  return Float32Array.from({ length: H * W }, (_, k) => gp[Math.floor(k / W) * w + (k % W)]);
}

// Tolerances. o and dW are f32 sums of C fh fw (resp. H W) products, accumulated in up to 16
// (resp. 1) chains: the error is ~sqrt(n) eps times the largest term, measured 1e-7..1e-6 of max|o|
// and max|dW|, so both are checked to 1e-5 of their largest magnitude. g = (2/n)(o - y) [e^y] is
// dominated by y: rtol 1e-5. SGD updates are linear in dW: 1e-5 of max|W|. Adam normalises every
// step to about lr in size, and elements whose gradient nearly cancels can differ by more in
// relative terms: 1e-3 of lr per iteration as absolute tolerance.
describe('ridge', () => {
  it('kernel size, tiles, label and initial weights', () => {
    expect(ridgeKernelSize([19, 11])).to.deep.equal([21, 13]);
    expect(ridgeKernelSize([11, 11])).to.deep.equal([13, 13]);
    expect(ridgeTile(13)).to.deep.equal({ tile: 13, fwPad: 13 });
    expect(ridgeTile(21)).to.deep.equal({ tile: 21, fwPad: 21 });
    expect(ridgeTile(29)).to.deep.equal({ tile: 15, fwPad: 30 });
    expect(ridgeTile(47)).to.deep.equal({ tile: 24, fwPad: 48 });
    const { label, weight } = ridgeLabel(45, 45, [19, 11]);
    expect(label[22 * 45 + 22]).to.equal(1);
    // One row off the centre: exp(-0.2 / 1.9^2).
    expect(label[21 * 45 + 22]).to.be.closeTo(Math.exp(-0.2 / (1.9 * 1.9)), 1e-7);
    expect(weight[22 * 45 + 22]).to.be.closeTo(Math.E, 1e-6);
    const w = initialWeights(512, 21, 13, 4321);
    expect(w).to.deep.equal(initialWeights(512, 21, 13, 4321));
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std * Math.sqrt(512 * 10 * 6) * 1e8).to.be.closeTo(1, 0.01);
  });

  for (const c of [SMALL, WIDE, TADT]) {
    for (const profile of c === TADT ? (['official'] as const) : (['official', 'pytorch-port'] as const)) {
      it(`${c.name}, ${profile}: forward, loss, dL/do and dW match the CPU reference`, async () => {
        const engine = await gpuEngine();
        const { map, problem, init } = setup(engine, c);
        // SGD without weight decay: after one step from a zero momentum buffer, that buffer holds dW exactly.
        const config = { ...defaultConfig(profile).ridge, optimizer: 'sgd' as const, weightDecay: 0 };
        const t = await RidgeTrainer.create(engine, map, { template: c.template, config, initial: init });
        await engine.run(t.steps);
        const o = ridgeForwardCpu(problem, init, 0);
        expectClose(await t.buffers.output.read(), o, 1e-5 * maxAbs(o), 0);
        const { loss, g } = ridgeLossCpu(problem, o, config.loss === 'dead-zone');
        expectClose((await t.readResult()).losses, [loss], 0, 1e-5);
        expectClose(await readG(t), g, 1e-12, 1e-5);
        const dw = ridgeWeightGradCpu(problem, g);
        const { channels, kernel, fwPad } = t.shape;
        expectClose(toChannelsFirst(await t.buffers.moment.read(), channels, kernel[0], kernel[1], fwPad), dw, 1e-5 * maxAbs(dw), 0);
        t.release();
        map.tensor.release();
      });
    }
  }

  for (const c of [SMALL, WIDE, TADT]) {
    for (const profile of ['official', 'pytorch-port'] as const) {
      const k = c === TADT ? 2 : 5;
      it(`${c.name}, ${profile}: ${k} training iterations match the CPU reference`, async () => {
        const engine = await gpuEngine();
        const { map, problem, init } = setup(engine, c);
        const config = defaultConfig(profile).ridge;
        const t = await RidgeTrainer.create(engine, map, { template: c.template, config, initial: init });
        const got = await t.train(k);
        const want = ridgeTrainCpu(problem, config, init, k);
        expect(got.iterations).to.equal(k);
        expectClose(got.losses, want.losses, 0, 1e-4);
        const w = await t.readWeights();
        const atol = profile === 'official' ? 1e-3 * config.learningRate * k : 1e-5 * maxAbs(want.weights);
        expectClose(w, want.weights, atol, 0);
        expectClose([got.bias], [want.bias], profile === 'official' ? 1e-3 * config.biasLearningRate * k : 0, 1e-4);
        t.release();
        map.tensor.release();
      });
    }
  }

  it('early stop happens on the GPU: the update of the stopping iteration applies, later ones do not', async () => {
    const engine = await gpuEngine();
    const { map, problem, init } = setup(engine, SMALL);
    const base = defaultConfig('official').ridge;
    const free = ridgeTrainCpu(problem, { ...base, stopLoss: null }, init, 6);
    // Between the 2nd and 3rd loss: the 3rd iteration is the last.
    const config: RidgeConfig = { ...base, stopLoss: (free.losses[1] + free.losses[2]) / 2 };
    const want = ridgeTrainCpu(problem, config, init, 10);
    expect(want.iterations).to.equal(3);
    const t = await RidgeTrainer.create(engine, map, { template: SMALL.template, config, initial: init });
    const got = await t.train(10);
    expect(got.iterations).to.equal(3);
    expect(got.stoppedEarly).to.equal(true);
    const w = await t.readWeights();
    expectClose(w, want.weights, 1e-3 * base.learningRate * 3, 0);
    await t.train(5);
    expect(await t.readWeights()).to.deep.equal(w);
    expect((await t.readResult()).iterations).to.equal(3);
    t.release();
    map.tensor.release();
  });

  it('the port runs every iteration (no stop) and importance sums the trained kernel per channel', async () => {
    const engine = await gpuEngine();
    const { map, init } = setup(engine, SMALL);
    const t = await RidgeTrainer.create(engine, map, { template: SMALL.template, config: defaultConfig('pytorch-port').ridge, initial: init });
    const r = await t.train(12);
    expect([r.iterations, r.stoppedEarly, r.losses.length]).to.deep.equal([12, false, 12]);
    const w = await t.readWeights();
    const taps = w.length / SMALL.C;
    const sums = Float64Array.from({ length: SMALL.C }, (_, ch) => w.subarray(ch * taps, (ch + 1) * taps).reduce((a, b) => a + b, 0));
    expectClose(await t.importance(), sums, 1e-6 * maxAbs(sums), 0);
    t.release();
    map.tensor.release();
  });
});
