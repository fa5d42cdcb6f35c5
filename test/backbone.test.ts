import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { sharedPath } from '../src/eval/shared-data.ts';
import { decodeImage } from '../src/io/frame.ts';
import { subgroupGemmSupported } from '../src/kernels/conv-weights.ts';
import { conv2d3x3Cpu, type DenseMap, fromPadded, paddingIsZero, toPadded } from '../src/reference/conv2d3x3.ts';
import { cropWindowCpu, inputChecksums } from '../src/reference/crop-window.ts';
import { frameResizeCpu } from '../src/reference/frame-resize.ts';
import { maxpool2x2Cpu } from '../src/reference/maxpool.ts';
import { createBackbone, maxBackboneBatch } from '../src/tracker/backbone.ts';
import type { Box } from '../src/io/box.ts';
import { stateFromBox, toRescaledBox } from '../src/tracker/geometry.ts';
import { readVggMat } from '../src/weights/mat-file.ts';
import { VGG_CONV_LAYERS, type VggLayer, type VggWeights } from '../src/weights/vgg.ts';
import { expectClose } from './helpers/close.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { seededArray } from './helpers/random.ts';
import { itShared } from './helpers/shared.ts';

/** Real VGG shapes, seeded He-uniform weights (activations keep their scale through 10 layers). */
function randomVgg(): VggWeights {
  const layers = VGG_CONV_LAYERS.map((spec, i): VggLayer => {
    const s = Math.sqrt(6 / (9 * spec.cin));
    return { ...spec, weight: seededArray(9 * spec.cin * spec.cout, 1000 + i, -s, s), bias: seededArray(spec.cout, 2000 + i, -0.05, 0.05) };
  });
  return { layers, source: { kind: 'synthetic' }, synthetic: true };
}

function trunkCpu(input: DenseMap, weights: VggWeights) {
  let x = input;
  const out: Record<string, DenseMap> = {};
  for (const layer of weights.layers) {
    x = conv2d3x3Cpu(x, layer);
    if (layer.name === 'conv1_2' || layer.name === 'conv2_2') x = maxpool2x2Cpu(x);
    out[layer.name] = x;
  }
  return { relu41: out.conv4_1, relu43: out.conv4_3 };
}

function maxAbs(a: Float32Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

describe('backbone (VGG-16 conv1_1..conv4_3, stride 4)', () => {
  // The CPU trunk is computed once; each kernel variant then runs the whole backbone against it.
  const size = 20;
  const weights = randomVgg();
  const image: DenseMap = { data: seededArray(size * size * 3, 7, -128, 128), height: size, width: size, channels: 3 };
  let want: ReturnType<typeof trunkCpu>;
  before(() => (want = trunkCpu(image, weights)));

  for (const variant of ['winograd-subgroup', 'winograd', 'tiled'] as const) {
    it(`${variant}: matches the CPU reference trunk on a 20x20 input, full and with conv4_3 restricted`, async function () {
      const engine = await gpuEngine();
      if (variant === 'winograd-subgroup' && !subgroupGemmSupported(engine)) this.skip();
      const backbone = await createBackbone(engine, weights, { size, variant });
      expect([backbone.relu41.height, backbone.relu41.width, backbone.relu41.channels]).to.deep.equal([5, 5, 512]);
      backbone.input.tensor.write(toPadded(image, 4));
      await engine.run(backbone.steps);
      // Measured worst errors over the ten layers: 5e-6 of the largest activation (Winograd), 1.7e-6
      // (tiled); 5e-5 keeps a 10x margin.
      const tol = (w: DenseMap) => 5e-5 * maxAbs(w.data);
      const relu41 = await backbone.relu41.tensor.read();
      const relu43 = await backbone.relu43.tensor.read();
      expectClose(fromPadded(relu41, backbone.relu41).data, want.relu41.data, tol(want.relu41), 0);
      expectClose(fromPadded(relu43, backbone.relu43).data, want.relu43.data, tol(want.relu43), 0);
      expect(paddingIsZero(relu43, backbone.relu43, 512), 'relu43 border').to.equal(true);

      const subset = [511, 3, 200, 7, 64, 300, 1];
      await backbone.restrictConv43(subset);
      expect(backbone.conv43Channels).to.deep.equal(subset);
      expect(backbone.relu43.channels).to.equal(8);
      await engine.run(backbone.steps);
      const restricted = await backbone.relu43.tensor.read();
      expect(paddingIsZero(restricted, backbone.relu43, subset.length), 'restricted border and padding channel').to.equal(true);
      const full = fromPadded(relu43, { ...backbone.relu43, channels: 512 });
      const picked = new Float32Array(25 * subset.length).map((_, i) => full.data[Math.floor(i / subset.length) * 512 + subset[i % subset.length]]);
      // The same products summed in the same order as in the full layer.
      expectClose(fromPadded(restricted, backbone.relu43, subset.length).data, picked, 1e-6 * maxAbs(picked), 0);

      await backbone.restrictConv43(null);
      await engine.run(backbone.steps);
      expectClose(fromPadded(await backbone.relu43.tensor.read(), backbone.relu43).data, want.relu43.data, tol(want.relu43), 0);
      backbone.release();
    });
  }

  for (const variant of ['winograd', 'tiled'] as const) {
    it(`${variant}: a batch of 3 windows gives each window's maps bit for bit as when it runs alone`, async () => {
      const engine = await gpuEngine();
      const images = [1, 2, 3].map((k) => toPadded({ ...image, data: seededArray(size * size * 3, 7 + k, -128, 128) }, 4));
      const single = await createBackbone(engine, weights, { size, variant });
      const alone: Float32Array[][] = [];
      for (const input of images) {
        single.input.tensor.write(input);
        await engine.run(single.steps);
        alone.push([await single.relu41.tensor.read(), await single.relu43.tensor.read()]);
      }
      single.release();
      const batched = await createBackbone(engine, weights, { size, variant, batch: 3 });
      expect(batched.batch).to.equal(3);
      images.forEach((input, b) => batched.input.tensor.write(input, b * input.length));
      await engine.run(batched.steps);
      const maps = [await batched.relu41.tensor.read(), await batched.relu43.tensor.read()];
      batched.release();
      alone.forEach((pair, b) =>
        pair.forEach((want, l) => {
          const got = maps[l].subarray(b * want.length, (b + 1) * want.length);
          expect(got.every((v, i) => Object.is(v, want[i])), `window ${b}, ${l ? 'relu43' : 'relu41'}`).to.equal(true);
        }),
      );
    });
  }

  it('maxBackboneBatch: as many 180-px windows as one storage binding holds', async () => {
    const engine = await gpuEngine();
    const n = maxBackboneBatch(engine, 180);
    expect(n).to.be.at.least(1);
    // lavapipe binds 128 MiB; conv1_2's Winograd scratch, the largest buffer, is 64 positions x 900
    // tiles x 64 floats (14.7 MB) per window: 9 fit.
    if (engine.device.limits.maxStorageBufferBindingSize === 2 ** 27 && engine.adapterReport.software) expect(n).to.equal(9);
    expect(maxBackboneBatch(engine, 20)).to.be.greaterThan(n);
  });

  it('rejects weights that are not the VGG trunk and sizes that are not multiples of 4', async () => {
    const engine = await gpuEngine();
    let error: unknown;
    await createBackbone(engine, weights, { size: 30 }).catch((e) => (error = e));
    expect(String(error)).to.match(/30 is not a positive multiple of 4/);
    const swapped = { ...weights, layers: [weights.layers[1], weights.layers[0], ...weights.layers.slice(2)] };
    await createBackbone(engine, swapped, { size: 12 }).catch((e) => (error = e));
    expect(String(error)).to.match(/layer 0: expected conv1_1 3->64, got conv1_2 64->64/);
  });

  // The PyTorch port's frame-1 checksums (shared reference JSON) with the shared synthetic weights.
  // decodeImage decodes as cv2 does (libjpeg-turbo's decoder), so the network input is the port's
  // exactly and what remains is the backbone's float32 / Winograd rounding. Measured: sums agree to
  // 1e-8..4e-8 relative, sumsq to 4e-8..1.3e-7, max to 1.4e-6..2.7e-6, and frac_pos moves by
  // 0..4e-6 (a few of the 1.04M values sit at zero). Tolerances: sums 1e-5, max 1e-4, frac_pos 5e-5.
  itShared('reproduces the reference relu4_1 / relu4_3 checksums on Skiing frame 1 (180x180, shared weights)', async () => {
    const ref = JSON.parse(readFileSync(sharedPath('data', 'reference', 'tadt-python', 'Skiing.json'), 'utf8'));
    const mat = await readVggMat(sharedPath('weights', 'vgg16-synthetic-conv4.mat'));
    const frame = await decodeImage(readFileSync(sharedPath('data', 'otb', 'Skiing', 'img', '0001.jpg')), '0001.jpg');
    const resized = frameResizeCpu(frame.data, frame.width, frame.height, ref.re_scale, 'cv2-bilinear');
    const [x, y, w, h] = ref.frames[0].box0 as Box;
    const state = stateFromBox(toRescaledBox([x - 1, y - 1, w, h], ref.re_scale), ref.sz);
    const crop = cropWindowCpu(resized.data, resized.width, resized.height, { cx: state.cx, cy: state.cy, S: ref.sz }, ref.sz, 'cv2-bilinear');
    const input: DenseMap = { data: Float32Array.from(crop), height: ref.sz, width: ref.sz, channels: 3 };
    const inSums = inputChecksums(input.data);
    const wantIn = ref.frame1_checksums.input_3x180x180;
    expect(inSums, 'input checksums').to.deep.equal({ sum: wantIn.sum, sumsq: wantIn.sumsq, max: wantIn.max, min: wantIn.min, frac_pos: wantIn.frac_pos });

    const engine = await gpuEngine();
    const backbone = await createBackbone(engine, mat, { size: ref.sz });
    expect(backbone.flops / 1e9).to.be.closeTo(35.95, 0.01);
    backbone.input.tensor.write(toPadded(input, 4));
    await engine.run(backbone.steps);
    for (const [name, map] of [['relu4_1', backbone.relu41], ['relu4_3', backbone.relu43]] as const) {
      const got = inputChecksums(fromPadded(await map.tensor.read(), map).data);
      const want = ref.frame1_checksums[name];
      const rel = (k: 'sum' | 'sumsq' | 'max') => got[k] / want[k] - 1;
      console.log(`      ${name}: sum ${rel('sum').toExponential(1)}, sumsq ${rel('sumsq').toExponential(1)}, max ${rel('max').toExponential(1)}, frac_pos ${(got.frac_pos - want.frac_pos).toExponential(1)}`);
      expect(rel('sum'), `${name} sum`).to.be.within(-1e-5, 1e-5);
      expect(rel('sumsq'), `${name} sumsq`).to.be.within(-1e-5, 1e-5);
      expect(rel('max'), `${name} max`).to.be.within(-1e-4, 1e-4);
      expect(got.min, `${name} min`).to.equal(0);
      expect(got.frac_pos - want.frac_pos, `${name} frac_pos`).to.be.within(-5e-5, 5e-5);
    }
    backbone.release();
  });
});
