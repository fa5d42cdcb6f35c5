import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemoSequence, writeDemoSequence } from '../src/demo/synthetic-sequence.ts';
import { loadFrame } from '../src/io/frame.ts';
import { openSequence } from '../src/io/sequence.ts';
import { tempDir } from './helpers/temp.ts';

describe('demo: synthetic sequence', () => {
  it('is deterministic: same options, same files byte for byte', async () => {
    const a = await writeDemoSequence(join(tempDir(), 'Demo'));
    const b = await writeDemoSequence(join(tempDir(), 'Demo'));
    expect(a.frames).to.have.length(60);
    for (const [i, p] of a.frames.entries()) expect(readFileSync(p).equals(readFileSync(b.frames[i])), p).to.equal(true);
    expect(readFileSync(a.groundTruthFile, 'utf8')).to.equal(readFileSync(b.groundTruthFile, 'utf8'));
    const other = generateDemoSequence({ frames: 2, seed: 7 }).frames[0].data;
    expect(Buffer.from(other).equals(Buffer.from(generateDemoSequence({ frames: 2 }).frames[0].data))).to.equal(false);
  });

  it('keeps the exact boxes inside the frame, moving smoothly and scaling 0.8x..1.3x', () => {
    const { frames, boxes } = generateDemoSequence();
    expect(frames[0]).to.include({ width: 320, height: 240 });
    const areas = boxes.map(([, , w, h]) => w * h);
    const base = 0.11 * 320 * 0.12 * 240;
    expect(Math.sqrt(Math.min(...areas) / base)).to.be.within(0.79, 0.85);
    expect(Math.sqrt(Math.max(...areas) / base)).to.be.within(1.25, 1.31);
    for (const [i, [x, y, w, h]] of boxes.entries()) {
      expect(x >= 0 && y >= 0 && x + w <= 320 && y + h <= 240, `frame ${i + 1}`).to.equal(true);
      if (i > 0) expect(Math.hypot(x - boxes[i - 1][0], y - boxes[i - 1][1])).to.be.below(20);
    }
  });

  it('paints the target where the ground truth says (its red-yellow checker)', () => {
    const { frames, boxes } = generateDemoSequence({ frames: 5 });
    for (const [i, [x, y, w, h]] of boxes.entries()) {
      // Centre of the top-left checker cell, inside the rim: red (215,45,40) +- noise and gain.
      const px = Math.floor(x + w * 0.2);
      const py = Math.floor(y + h * 0.2);
      const [r, g, b] = frames[i].data.subarray((py * 320 + px) * 3, (py * 320 + px) * 3 + 3);
      expect(r > 180 && g < 90 && b < 90, `frame ${i + 1}: ${[r, g, b]}`).to.equal(true);
    }
  });

  it('round-trips through the OTB loader and lossless PNG, with configurable size', async () => {
    const opts = { frames: 8, width: 200, height: 150 };
    const { frames, boxes } = generateDemoSequence(opts);
    const { dir } = await writeDemoSequence(join(tempDir(), 'Small'), opts);
    const seq = openSequence(dir);
    expect(seq.frames).to.have.length(8);
    expect(seq.initBox).to.deep.equal(boxes[0]);
    seq.groundTruth!.forEach((b, i) => b!.forEach((v, k) => expect(v).to.be.closeTo(boxes[i][k], 1e-9)));
    const f = await loadFrame(seq.frames[3]);
    expect(Buffer.from(f.data).equals(Buffer.from(frames[3].data))).to.equal(true);
  });

  it('generates the default 60 frames quickly', () => {
    const t = performance.now();
    generateDemoSequence();
    expect(performance.now() - t).to.be.below(3000);
  });
});
