import { expect } from 'chai';
import type { Box } from '../src/io/box.ts';
import type { Frame } from '../src/io/frame.ts';
import type { Region } from '../src/io/groundtruth.ts';
import { type InitUpdateTracker, runSupervised } from '../src/eval/supervised.ts';
import { formatVotRecord } from '../src/eval/vot.ts';
import { defaultConfig } from '../src/tracker/config.ts';
import { createTracker } from '../src/tracker/tadt.ts';
import { syntheticVggWeights } from '../src/weights/synthetic.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { scene, type Target } from './helpers/scene.ts';

/** Frames that carry their index in their first byte, so the fake tracker knows where it is. */
const frames = (n: number): Frame[] => Array.from({ length: n }, (_, i) => ({ width: 100, height: 100, data: Uint8Array.of(i) }));

/** A tracker that answers from a script and logs what it was shown. */
function scripted(answer: (frame: number) => Box) {
  const calls: string[] = [];
  const tracker: InitUpdateTracker = {
    async init(frame, box) {
      calls.push(`init ${frame.data[0]} [${box.join(',')}]`);
    },
    async update(frame) {
      calls.push(`update ${frame.data[0]}`);
      return { box: answer(frame.data[0]) };
    },
  };
  return { tracker, calls };
}

/** 1-based VOT polygons: a 20x20 square turned 45 degrees, centred on (30 + i, 30); min/max box [20 + i, 20, 20, 20]. */
const diamond = (i: number): Region => [30 + i, 20, 40 + i, 30, 30 + i, 40, 20 + i, 30];
/** The diamond's min/max box in 0-based tracker coordinates: a perfect answer (overlap 0.5). */
const onTarget = (i: number): Box => [19 + i, 19, 20, 20];

describe('eval/supervised: the VOT reset protocol with a scripted tracker', () => {
  it('fails on zero overlap, skips 5 frames, re-initialises from the ground truth', async () => {
    const gt: (Region | null)[] = Array.from({ length: 20 }, (_, i) => diamond(i));
    gt[9] = null; // the re-initialisation frame (4 + 5) has no annotation: the next one is used
    gt[15] = null; // no annotation: cannot fail even though the tracker is far off
    const far: Box = [80, 80, 10, 10];
    const { tracker, calls } = scripted((i) => (i === 4 || i === 15 ? far : onTarget(i)));
    const seen: number[] = [];
    const run = await runSupervised(tracker, frames(20), gt, { onFrame: (i) => seen.push(i) });

    expect(run.records.map(formatVotRecord)).to.deep.equal([
      '1',
      ...[1, 2, 3].map((i) => `${20 + i},20,20,20`),
      '2',
      '0', '0', '0', '0', '0',
      '1',
      ...[11, 12, 13, 14].map((i) => `${20 + i},20,20,20`),
      '81,81,10,10',
      ...[16, 17, 18, 19].map((i) => `${20 + i},20,20,20`),
    ]);
    expect(run.failures).to.equal(1);
    expect(calls[0]).to.equal('init 0 [19,19,20,20]');
    expect(calls.slice(1, 5)).to.deep.equal(['update 1', 'update 2', 'update 3', 'update 4']);
    expect(calls[5]).to.equal('init 10 [29,19,20,20]');
    expect(calls).to.have.length(6 + 9);
    expect(seen).to.deep.equal(Array.from({ length: 20 }, (_, i) => i));
    expect(run.seconds.slice(5, 10)).to.deep.equal([0, 0, 0, 0, 0]);
  });

  it('judges overlap inside the frame only', async () => {
    // The ground truth and the box overlap only left of the image (x < 0): that is a failure.
    const gt: Region[] = [[1, 1, 20, 20], [-30, 1, 30, 20], [-30, 1, 30, 20]];
    const { tracker } = scripted(() => [-21, 0, 20, 20]);
    const run = await runSupervised(tracker, frames(3), gt);
    expect(run.records.map(formatVotRecord)).to.deep.equal(['1', '2', '0']);
  });

  it('stops at the last ground-truth line and refuses too few frames', async () => {
    const gt: Region[] = [diamond(0), diamond(1)];
    const { tracker } = scripted(onTarget);
    expect((await runSupervised(tracker, frames(5), gt)).records).to.have.length(2);
    let error: unknown;
    await runSupervised(tracker, frames(1), gt).catch((e) => (error = e));
    expect(String(error)).to.match(/1 frames for 2 ground-truth lines/);
  });
});

describe('eval/supervised: the TADT tracker through the reset protocol (GPU)', () => {
  it('fails where the ground truth jumps away, skips 5 frames and tracks again after re-initialising', async () => {
    const config = defaultConfig();
    config.ridge.iterations = 20; // protocol, not accuracy: a quicker initialisation
    const tracker = await createTracker(await gpuEngine(), { weights: syntheticVggWeights(), config });
    // A still, textured 48x48 target at (16, 12) in 100x80 frames. The ground truth follows it (as a
    // 1-based corner polygon) except on frame 3, where it claims the target is in the bottom-right
    // corner, away from anything the tracker can report: a failure by construction.
    const target: Target = { x: 16, y: 12, w: 48, h: 48, seed: 11 };
    const truth: Region = [17, 13, 65, 13, 65, 61, 17, 61];
    const gt: Region[] = Array.from({ length: 12 }, (_, i) => (i === 3 ? [75, 68, 25, 12] : truth));
    try {
      const run = await runSupervised(tracker, gt.map(() => scene(100, 80, [target])), gt);
      expect(run.records.map((r) => r.kind)).to.deep.equal([
        'init', 'region', 'region', 'failure', 'skip', 'skip', 'skip', 'skip', 'init', 'region', 'region', 'region',
      ]);
      expect(run.failures).to.equal(1);
      for (const r of run.records) {
        if (r.kind !== 'region') continue;
        const [x, y, w, h] = r.region;
        expect(Math.hypot(x + w / 2 - 41, y + h / 2 - 37), `centre of ${r.region}`).to.be.below(6);
      }
    } finally {
      tracker.dispose();
    }
  });
});
