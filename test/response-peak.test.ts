import { expect } from 'chai';
import { responsePeak, type ResponseMethods } from '../src/kernels/response-peak.ts';
import { hann, responseMapsCpu, responsePeakCpu } from '../src/reference/response-peak.ts';
import type { Engine } from '../src/runtime/engine.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { seededArray } from './helpers/random.ts';

const F = 45;

/** The pairs the two code bases use: Matlab's bicubic with column-major ties, torch's with row-major. */
const MATLAB: ResponseMethods = { upsampling: 'matlab-bicubic', argmaxOrder: 'column-major' };
const TORCH: ResponseMethods = { upsampling: 'torch-bicubic', argmaxOrder: 'row-major' };

const cpuPeaks = (maps: Float32Array, S: number, m: ResponseMethods) => responsePeakCpu(maps, F, S, m.upsampling, m.argmaxOrder);

/** One op for all targets' maps; per frame, each target's side; returns per frame the readouts of all targets. */
async function batchPeaks(engine: Engine, maps: Float32Array[], methods: ResponseMethods, frames: number[][]) {
  const all = new Float32Array(maps.length * 3 * F * F);
  maps.forEach((m, k) => all.set(m, k * 3 * F * F));
  const t = engine.upload([maps.length, 3, F, F], 'xcorr maps', 'f32', all);
  const op = await responsePeak(engine, t, methods, frames[0]);
  const out = [];
  for (const S of frames) {
    await op.set({ S });
    await engine.run(op.steps);
    out.push(await op.read());
  }
  op.release();
  t.release();
  return out;
}

/** One target's readouts for these sides, one frame each. */
async function gpuPeaks(engine: Engine, maps: Float32Array, methods: ResponseMethods, sizes: number[]) {
  return (await batchPeaks(engine, [maps], methods, sizes.map((S) => [S]))).map(([r]) => r);
}

/** xcorr-like maps: a zero border, a positive bump with noise, raw values up to ~7e7. */
function xcorrLike(seed: number): Float32Array {
  const noise = seededArray(3 * F * F, seed, -1, 1);
  return noise.map((n, i) => {
    const [s, y, x] = [Math.floor(i / (F * F)), Math.floor(i / F) % F, i % F];
    if (y < 5 || y >= F - 5 || x < 3 || x >= F - 3) return 0;
    const r2 = (y - 20 - s) ** 2 + (x - 24 + s) ** 2;
    return 7e7 * (Math.exp(-r2 / 30) * (1 - 0.01 * s) + 0.2 * n);
  });
}

describe('response-peak', () => {
  for (const methods of [TORCH, MATLAB]) {
    const name = methods.upsampling;
    // Three targets in one op, each with its own maps and side, sides changing per frame (in the
    // last frame only the third target's): S in 1, 2, 45, 180, 301, 2000 (below, at and above F).
    const frames = [
      [180, 2, 301],
      [45, 2000, 1],
      [301, 180, 45],
      [301, 180, 2],
    ];
    it(`${name}: 3 targets in one op, max and argmax match the CPU reference for sides ${frames.map((f) => f.join('/')).join(', ')}`, async () => {
      const engine = await gpuEngine();
      const maps = [0, 1, 2].map((k) => xcorrLike((methods === MATLAB ? 11 : 12) + 10 * k));
      const got = await batchPeaks(engine, maps, methods, frames);
      frames.forEach((sides, i) =>
        sides.forEach((S, k) => {
          const full = responseMapsCpu(maps[k], F, S, methods.upsampling);
          const want = cpuPeaks(maps[k], S, methods);
          got[i][k].peaks.forEach((p, s) => {
            // Values near 2 computed in f32 through two 4-tap passes: within 1e-5 of the f64 reference.
            expect(p.max, `frame ${i} target ${k} S=${S} map ${s} max`).to.be.closeTo(want[s].max, 1e-5);
            // The argmax is the reference's, unless f32 rounding reorders a near tie: then the
            // reference value at our position must be within that rounding of the maximum.
            const there = full[s][p.y * S + p.x];
            if (p.y !== want[s].y || p.x !== want[s].x) expect(want[s].max - there, `frame ${i} target ${k} S=${S} map ${s} near tie`).to.be.below(1e-5);
          });
          expect(got[i][k].normalised).to.equal(true);
          expect(got[i][k].globalMax).to.equal(Math.max(...maps[k]));
        }),
      );
    });

    it(`${name}: zero maps leave the window alone, ties go to the first centre cell`, async () => {
      const engine = await gpuEngine();
      const sizes = [1, 2, 45, 180, 301];
      const got = await gpuPeaks(engine, new Float32Array(3 * F * F), methods, sizes);
      sizes.forEach((S, i) => {
        // hann(S) is mirrored exactly, so for even S four cells tie; both tie orders pick the
        // top-left one. hann(2) is all zeros: every cell ties and (0, 0) wins.
        const c = S === 2 ? 0 : Math.floor((S - 1) / 2);
        const h = hann(S);
        for (const p of got[i].peaks) expect(p).to.deep.equal({ max: Math.fround(Math.fround(h[c]) * Math.fround(h[c])), y: c, x: c });
        expect(got[i].normalised).to.equal(false);
        expect(got[i].globalMax).to.equal(0);
      });
    });

    it(`${name}: transposed twin peaks tie and follow the ${methods.argmaxOrder} order`, async () => {
      const engine = await gpuEngine();
      // At S = F both upsamplers are exactly the identity, so cells (a, b) and (b, a) of a
      // transpose-symmetric map hold bit-identical values.
      const maps = new Float32Array(3 * F * F);
      for (let s = 0; s < 3; s++) maps[s * F * F + 20 * F + 25] = maps[s * F * F + 25 * F + 20] = 5;
      const [r] = await gpuPeaks(engine, maps, methods, [F]);
      const want = methods.argmaxOrder === 'column-major' ? { y: 25, x: 20 } : { y: 20, x: 25 };
      for (const p of r.peaks) expect({ y: p.y, x: p.x }).to.deep.equal(want);
      expect(cpuPeaks(maps, F, methods).map(({ y, x }) => ({ y, x }))).to.deep.equal([want, want, want]);
    });
  }

  it('all-negative maps are not divided (the order would flip)', async () => {
    const engine = await gpuEngine();
    const maps = seededArray(3 * F * F, 5, -3, -1);
    const [r] = await gpuPeaks(engine, maps, TORCH, [180]);
    const want = cpuPeaks(maps, 180, TORCH);
    expect(r.normalised).to.equal(false);
    r.peaks.forEach((p, s) => expect(p.max).to.be.closeTo(want[s].max, 1e-5));
  });

  it('resizing within capacity builds no pipelines; growing rebuilds the plan', async () => {
    const engine = await gpuEngine();
    const maps = [xcorrLike(3), xcorrLike(4)];
    const all = new Float32Array(2 * 3 * F * F);
    maps.forEach((m, k) => all.set(m, k * 3 * F * F));
    const t = engine.upload([2, 3, F, F], 'maps', 'f32', all);
    const op = await responsePeak(engine, t, TORCH, [400, 200]);
    const built = engine.pipelines.created;
    const steps = op.steps;
    for (const S of [[180, 400], [188, 188], [172, 30], [400, 400]]) await op.set({ S });
    expect(op.steps).to.equal(steps);
    await op.set({ S: [180, 900] });
    expect(op.steps).to.not.equal(steps);
    expect(op.S).to.deep.equal([180, 900]);
    expect(engine.pipelines.created).to.equal(built);
    await engine.run(op.steps);
    const r = await op.read();
    expect(r[0].peaks[0].max).to.be.closeTo(cpuPeaks(maps[0], 180, TORCH)[0].max, 1e-5);
    expect(r[1].peaks[0].max).to.be.closeTo(cpuPeaks(maps[1], 900, TORCH)[0].max, 1e-5);
    op.release();
    t.release();
  });
});
