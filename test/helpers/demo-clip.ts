import { expect } from 'chai';
import { boxAgrees } from '../../src/eval/reference.ts';
import type { Box } from '../../src/io/box.ts';
import type { Frame } from '../../src/io/rgb-frame.ts';
import type { Engine } from '../../src/runtime/engine.ts';
import { runSequence } from '../../src/tracker/run-sequence.ts';
import { createTracker } from '../../src/tracker/tadt.ts';
import { syntheticVggWeights } from '../../src/weights/synthetic.ts';

/** Tracks a clip (demoClip) on `engine` with the synthetic weights; 0-based boxes, the init box first. */
export async function trackClip(engine: Engine, clip: { frames: Frame[]; initBox: Box }): Promise<Box[]> {
  const tracker = await createTracker(engine, { weights: syntheticVggWeights() });
  try {
    return (await runSequence(tracker, clip.frames, clip.initBox)).boxes;
  } finally {
    tracker.dispose();
  }
}

/** Every frame's box within 1 px (centre) and 0.5% (sides) of the reference's; names the first frame that is not. */
export function expectSameBoxes(actual: readonly Box[], reference: readonly Box[], what: string): void {
  expect(actual.length, `${what}: frames`).to.equal(reference.length);
  actual.forEach((box, i) => {
    expect(boxAgrees(box, reference[i]!), `${what}, frame ${i + 1}: [${box.join(', ')}] vs [${reference[i]!.join(', ')}]`).to.equal(true);
  });
}
