import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { sharedPath } from '../src/eval/shared-data.ts';
import type { Box } from '../src/io/box.ts';
import { loadFrame } from '../src/io/frame.ts';
import { cropWindow } from '../src/kernels/crop-window.ts';
import { frameResize } from '../src/kernels/frame-resize.ts';
import { inputChecksums } from '../src/reference/crop-window.ts';
import { stateFromBox, toRescaledBox } from '../src/tracker/geometry.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { readRgbInterior } from './helpers/rgb-interior.ts';
import { itShared } from './helpers/shared.ts';

// Apart from crop-window.test.ts, which the browser runs too: this one decodes JPEGs with sharp.
describe('crop-window on the port\'s frames', () => {
  // The port's network input for frame 1: cv2.imread, cv2 frame rescale, crop at the rescaled box
  // centre (spec 1.2-1.4). Decoding, rescale and crop are each bit-exact against cv2 and the values
  // are integers in -128..127, whose sums are exact in doubles: every statistic must agree exactly.
  for (const seq of ['Skiing', 'Couple', 'Crossing', 'DragonBaby', 'Football1']) {
    itShared(`pytorch-port: ${seq} frame 1 network input matches the reference checksums exactly`, async () => {
      const ref = JSON.parse(readFileSync(sharedPath('data', 'reference', 'tadt-python', `${seq}.json`), 'utf8'));
      const image = await loadFrame(sharedPath('data', 'otb', seq, 'img', '0001.jpg'));
      const engine = await gpuEngine();
      const frame = engine.upload([image.height, image.width, 3], 'jpeg frame', 'u8', image.data);
      const resize = await frameResize(engine, frame, ref.re_scale, 'cv2-bilinear');
      const [x, y, w, h] = ref.frames[0].box0 as Box;
      const state = stateFromBox(toRescaledBox([x - 1, y - 1, w, h], ref.re_scale), ref.sz);
      const crop = await cropWindow(engine, resize.output, { method: 'cv2-bilinear', out: ref.sz });
      await crop.set({ cx: state.cx, cy: state.cy, S: ref.sz });
      await engine.run([...resize.steps, ...crop.steps]);
      const got = inputChecksums(await readRgbInterior(crop.output));
      const want = ref.frame1_checksums.input_3x180x180;
      expect({ ...got, nan: 0, shape: [3, ref.sz, ref.sz] }).to.deep.equal(want);
      crop.release();
      resize.release();
      frame.release();
    });
  }
});
