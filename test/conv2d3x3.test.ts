import { expect } from 'chai';
import { type ConvVariant, subgroupGemmSupported, uploadConvWeights } from '../src/kernels/conv-weights.ts';
import { conv2d3x3 } from '../src/kernels/conv2d3x3.ts';
import type { FeatureMap } from '../src/kernels/layout.ts';
import { conv2d3x3Cpu, type DenseMap, fromPadded, toPadded } from '../src/reference/conv2d3x3.ts';
import { maxpool2x2Cpu } from '../src/reference/maxpool.ts';
import type { Engine } from '../src/runtime/engine.ts';
import { expectClose } from './helpers/close.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { seededArray } from './helpers/random.ts';

// Tolerances, relative to the largest |output| of each case (outputs are O(1) here: inputs in
// [-1, 1), He-scaled weights). The tiled and direct kernels sum the same products as the float64 reference
// in another order: float32 rounding of a K = 9*cin sum, ~1e-6 of the largest output. Winograd
// F(6x6, 3x3) multiplies in a transformed basis whose matrices have entries up to 32 (A^T) and 5.25
// (B^T), which amplifies rounding: see the measured worst errors printed per case (a few 1e-6
// to ~3e-5, growing with cin; F(4x4, 3x3) gave about half). 1e-4 keeps a margin and is far below
// what a real bug gives (a wrong tap, channel or tile edge is an error of order 1).
const TOL: Record<ConvVariant, number> = { tiled: 1e-5, 'direct-subgroup': 1e-5, winograd: 1e-4, 'winograd-subgroup': 1e-4 };
const SENTINEL = 7;

interface Case {
  h: number;
  w: number;
  cin: number;
  cout: number;
  subset?: number[];
  pool?: boolean;
  /** Maps stacked in one tensor (several targets' windows). */
  batch?: number;
}

function layer(cin: number, cout: number, seed: number) {
  const scale = Math.sqrt(2 / (9 * cin)) * 1.7;
  return {
    name: `t${cin}x${cout}`,
    cin,
    cout,
    weight: seededArray(9 * cin * cout, seed, -scale, scale),
    bias: seededArray(cout, seed + 1, -0.2, 0.2),
  };
}

/** Runs one case on the GPU; checks that the border and padding channels are as they must be. */
async function runCase(engine: Engine, variant: ConvVariant, c: Case, seed: number) {
  const l = layer(c.cin, c.cout, seed);
  const batch = c.batch ?? 1;
  const dense: DenseMap[] = Array.from({ length: batch }, (_, b) => ({
    data: seededArray(c.h * c.w * c.cin, seed + 2 + b),
    height: c.h,
    width: c.w,
    channels: c.cin,
  }));
  const cin4 = Math.ceil(c.cin / 4) * 4;
  const inSize = (c.h + 2) * (c.w + 2) * cin4;
  const packed = new Float32Array(batch * inSize);
  dense.forEach((d, b) => packed.set(toPadded(d, cin4), b * inSize));
  const input: FeatureMap = {
    tensor: engine.upload([batch * inSize], 'conv test in', 'f32', packed),
    height: c.h,
    width: c.w,
    channels: cin4,
    pad: 1,
  };
  const weights = uploadConvWeights(engine, l, { variant, outChannels: c.subset });
  const [oh, ow] = c.pool ? [Math.floor(c.h / 2), Math.floor(c.w / 2)] : [c.h, c.w];
  const outSize = (oh + 2) * (ow + 2) * weights.outChannels;
  // A sentinel instead of zeros shows that the kernel leaves the border alone.
  const output: FeatureMap = {
    tensor: engine.upload([batch * outSize], 'conv test out', 'f32', new Float32Array(batch * outSize).fill(SENTINEL)),
    height: oh,
    width: ow,
    channels: weights.outChannels,
    pad: 1,
  };
  const op = await conv2d3x3(engine, input, weights, output, { pool: c.pool, batch });
  await engine.run(op.steps);
  const all = await output.tensor.read();
  op.release();
  weights.release();
  input.tensor.release();
  output.tensor.release();
  const rowLen = ow + 2;
  for (let b = 0; b < batch; b++) {
    const data = all.subarray(b * outSize, (b + 1) * outSize);
    for (let y = 0; y < oh + 2; y++) {
      for (let x = 0; x < rowLen; x++) {
        const interior = y >= 1 && y <= oh && x >= 1 && x <= ow;
        for (let ch = interior ? weights.cout : 0; ch < weights.outChannels; ch++) {
          const v = data[(y * rowLen + x) * weights.outChannels + ch];
          expect(v, `map ${b}: ${interior ? 'padding channel' : 'border'} at (${y},${x},${ch})`).to.equal(interior ? 0 : SENTINEL);
        }
      }
    }
    const got = fromPadded(data, output, weights.cout);
    let want = conv2d3x3Cpu(dense[b], l, c.subset);
    if (c.pool) want = maxpool2x2Cpu(want);
    check(variant, got, want);
  }
}

function check(variant: ConvVariant, got: DenseMap, want: DenseMap) {
  expect([got.height, got.width, got.channels]).to.deep.equal([want.height, want.width, want.channels]);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) {
    scale = Math.max(scale, Math.abs(want.data[i]));
    worst = Math.max(worst, Math.abs(got.data[i] - want.data[i]));
  }
  scale ||= 1;
  if (process.env.CONV_ERRORS) console.log(`      ${variant}: worst error ${(worst / scale).toExponential(2)} of max |out| ${scale.toFixed(3)}`);
  expectClose(got.data, want.data, TOL[variant] * scale, 0);
}

const CASES: [string, Case][] = [
  ['5->7 at 9x11 (channels and sides not multiples of 4)', { h: 9, w: 11, cin: 5, cout: 7 }],
  ['3->64 at 13x10 (conv1_1: RGB plus a zero channel)', { h: 13, w: 10, cin: 3, cout: 64 }],
  ['8->8 at 1x1', { h: 1, w: 1, cin: 8, cout: 8 }],
  ['4->12 at 3x3', { h: 3, w: 3, cin: 4, cout: 12 }],
  ['16->20 at 45x45', { h: 45, w: 45, cin: 16, cout: 20 }],
  ['24->40 at 7x7, output channels [39, 0, 5, 17, 22]', { h: 7, w: 7, cin: 24, cout: 40, subset: [39, 0, 5, 17, 22] }],
  ['8->12 at 10x14 with fused 2x2 max pooling', { h: 10, w: 14, cin: 8, cout: 12, pool: true }],
  ['6->9 at 9x11 with fused pooling (floor mode)', { h: 9, w: 11, cin: 6, cout: 9, pool: true }],
  ['512->512 at 6x6 (deep accumulation)', { h: 6, w: 6, cin: 512, cout: 512 }],
  ['batch of 3: 5->7 at 9x11 (tiles of the maps share GEMM row blocks)', { h: 9, w: 11, cin: 5, cout: 7, batch: 3 }],
  ['batch of 2: 8->12 at 10x14 pooled', { h: 10, w: 14, cin: 8, cout: 12, pool: true, batch: 2 }],
]; 

// TADT-sized: conv2_2 with pool2 as the backbone runs it, and conv4_3 restricted to 300 channels.
const BIG: [string, Case][] = [
  ['128->128 at 90x90 pooled (conv2_2 + pool2)', { h: 90, w: 90, cin: 128, cout: 128, pool: true }],
  ['512->300 of 512 at 15x15 (conv4_3 restricted)', { h: 15, w: 15, cin: 512, cout: 512, subset: Array.from({ length: 300 }, (_, i) => (i * 167) % 512) }],
];

describe('conv2d3x3', () => {
  for (const variant of ['winograd', 'tiled'] as const) {
    describe(variant, () => {
      CASES.forEach(([name, c], i) => it(name, async () => runCase(await gpuEngine(), variant, c, 100 + i)));
      if (variant === 'winograd') BIG.forEach(([name, c], i) => it(name, async () => runCase(await gpuEngine(), variant, c, 200 + i)));
      else it('64->64 at 90x90', async () => runCase(await gpuEngine(), variant, { h: 90, w: 90, cin: 64, cout: 64 }, 300));
    });
  }

  describe('winograd-subgroup', () => {
    before(async function () {
      // createEngine requests the subgroups feature where the adapter has it; without subgroups of
      // 8+ lanes the variant is never chosen, so there is nothing to test.
      if (!subgroupGemmSupported(await gpuEngine())) this.skip();
    });
    [...CASES, ...BIG].forEach(([name, c], i) => it(name, async () => runCase(await gpuEngine(), 'winograd-subgroup', c, 100 + i)));
  });

  // The direct kernel is what conv1_1 runs on lavapipe; it takes any cin but does not pool.
  describe('direct-subgroup', () => {
    before(async function () {
      if (!subgroupGemmSupported(await gpuEngine())) this.skip();
    });
    const direct = [...CASES.filter(([, c]) => !c.pool), ['3->64 at 180x180 (conv1_1 as the backbone runs it)', { h: 180, w: 180, cin: 3, cout: 64 }] as [string, Case]];
    direct.forEach(([name, c], i) => it(name, async () => runCase(await gpuEngine(), 'direct-subgroup', c, 100 + i)));
    it('refuses to pool', async () => {
      const engine = await gpuEngine();
      const weights = uploadConvWeights(engine, layer(3, 8, 1), { variant: 'direct-subgroup' });
      const map = (h: number, ch: number): FeatureMap => ({ tensor: engine.tensor([(h + 2) ** 2 * ch], 'm'), height: h, width: h, channels: ch, pad: 1 });
      const [a, b] = [map(4, 4), map(2, 8)];
      const error = await conv2d3x3(engine, a, weights, b, { pool: true }).catch((e: unknown) => e);
      expect(String(error)).to.match(/direct-subgroup variant does not pool/);
      weights.release();
      a.tensor.release();
      b.tensor.release();
    });
  });

  it('rejects mismatched maps and out-of-range channels', async () => {
    const engine = await gpuEngine();
    const l = layer(8, 8, 1);
    expect(() => uploadConvWeights(engine, l, { outChannels: [8] })).to.throw(/channel 8 not in 0..7/);
    const weights = uploadConvWeights(engine, l, { variant: 'winograd' });
    const map = (h: number): FeatureMap => ({ tensor: engine.tensor([(h + 2) ** 2 * 8], 'm'), height: h, width: h, channels: 8, pad: 1 });
    const [a, b] = [map(6), map(5)];
    let error: unknown;
    try {
      await conv2d3x3(engine, a, weights, b);
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/conv2d3x3 t8x8 6x6x8 pad 1 -> 5x5x8 pad 1: output must be 6x6/);
    weights.release();
    a.tensor.release();
    b.tensor.release();
  });
});
