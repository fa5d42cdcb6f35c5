import { expect } from 'chai';
import { frameResize } from '../src/kernels/frame-resize.ts';
import { frameResizeCpu } from '../src/reference/frame-resize.ts';
import { matlabTaps } from '../src/kernels/interp.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { seededArray } from './helpers/random.ts';

const CASES: [number, number, number][] = [
  [53, 37, 1.37],
  [53, 37, 0.61],
  [7, 5, 0.3],
  [640, 360, 1.6023854896043053],
];

describe('frame-resize', () => {
  for (const method of ['cv2-bilinear', 'matlab-bicubic'] as const) {
    for (const [w, h, s] of CASES) {
      it(`${method}: ${w}x${h} x ${s.toFixed(4)} matches the CPU reference`, async () => {
        const engine = await gpuEngine();
        const data = Uint8Array.from(seededArray(w * h * 3, w + h, 0, 256), Math.floor);
        const input = engine.upload([h, w, 3], 'frame', 'u8', data);
        const resize = await frameResize(engine, input, s, method);
        await engine.run(resize.steps);
        const got = await resize.output.read();
        const want = frameResizeCpu(data, w, h, s, method);
        expect(resize.output.shape).to.deep.equal([want.height, want.width, 3]);
        expect(want.width).to.equal(Math.ceil(w * s));
        let off = 0;
        let worst = 0;
        for (let i = 0; i < got.length; i++) {
          const d = Math.abs(got[i] - want.data[i]);
          if (d) off++;
          worst = Math.max(worst, d);
        }
        // cv2 is integer arithmetic on both sides: exact. Matlab's sums up to ~10 float
        // taps per pass in f32 (CPU: f64) and rounds to uint8 twice: a sum within f32 error of a
        // .5 boundary may round the other way, so allow 1 level on at most 0.1% of bytes.
        if (method === 'cv2-bilinear') expect(off, 'bytes that differ').to.equal(0);
        else expect(worst, 'largest difference').to.be.at.most(1), expect(off / got.length).to.be.below(1e-3);
        resize.release();
        input.release();
      });
    }
  }

  it("matlab-bicubic: the kernel's Matlab contributions sum to 1 and are the identity at scale 1", () => {
    const id = matlabTaps(9, 9, 1, 'cubic', true);
    for (let d = 0; d < 9; d++) {
      const row = Array.from(id.weights.subarray(d * id.K, (d + 1) * id.K));
      expect(row[d - id.base[d]]).to.be.closeTo(1, 1e-12);
      expect(row.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-12);
    }
    const shrink = matlabTaps(640, 257, 257 / 640, 'cubic', true);
    expect(shrink.K).to.be.at.least(Math.ceil(4 / (257 / 640)));
  });
});
