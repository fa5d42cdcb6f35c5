import { type Box, fromOneBased, toOneBased } from '../io/box.ts';
import type { Frame } from '../io/frame.ts';
import { type Region, regionBox } from '../io/groundtruth.ts';
import { regionOverlap } from './region.ts';
import { VOT_SKIP, type VotRecord } from './vot.ts';

/** Anything that tracks with 0-based boxes: the TADT tracker, or a stand-in in tests. */
export interface InitUpdateTracker {
  init(frame: Frame, box: Box): Promise<unknown>;
  update(frame: Frame): Promise<{ box: Box }>;
}

export interface SupervisedOptions {
  /** Frames skipped after a failure before re-initialising (default VOT_SKIP = 5). */
  skip?: number;
  /** After every frame, with its record and the seconds init/update took (0 when skipped). */
  onFrame?: (index: number, record: VotRecord, seconds: number) => void;
}

export interface SupervisedRun {
  /** One per frame, regions in the ground truth's coordinates (ready for a VOT result file). */
  records: VotRecord[];
  failures: number;
  /** Per frame: init or update time, 0 for skipped frames. */
  seconds: number[];
}

/**
 * VOT's supervised experiment, as pysot's `tools/test.py` and the VOT toolkit run it: initialise
 * on frame 1; after each update compare the box with the ground truth, and where they do not
 * overlap at all (overlap 0, regions clipped to the frame) record a failure and re-initialise
 * `skip` frames later from that frame's ground truth. Frames in between are skipped: neither
 * shown to the tracker nor scored.
 *
 * `groundTruth` is as written in the dataset (VOT: 1-based corner polygons, or x,y,w,h); the
 * tracker gets the polygon's min/max box converted to 0-based, as `openSequence` gives it, and its
 * boxes are converted back before comparing, so records and ground truth share one frame. A
 * re-initialisation that falls on a frame without ground truth moves on to the next annotated
 * frame; a frame without ground truth cannot fail.
 */
export async function runSupervised(
  tracker: InitUpdateTracker,
  frames: AsyncIterable<Frame> | Iterable<Frame>,
  groundTruth: readonly (Region | null)[],
  opts: SupervisedOptions = {},
): Promise<SupervisedRun> {
  const skip = opts.skip ?? VOT_SKIP;
  const records: VotRecord[] = [];
  const seconds: number[] = [];
  let failures = 0;
  let initAt = 0;
  let tracking = false;
  for await (const frame of frames) {
    const i = records.length;
    if (i >= groundTruth.length) break;
    const gt = groundTruth[i];
    const t0 = performance.now();
    let record: VotRecord;
    if (tracking) {
      const { box } = await tracker.update(frame);
      const region = toOneBased(box);
      const lost = gt !== null && regionOverlap(region, gt, frame) === 0;
      record = lost ? { kind: 'failure' } : { kind: 'region', region };
      if (lost) {
        failures++;
        tracking = false;
        initAt = i + skip;
      }
    } else if (i >= initAt && gt !== null) {
      await tracker.init(frame, fromOneBased(regionBox(gt)));
      record = { kind: 'init' };
      tracking = true;
    } else {
      record = { kind: 'skip' };
    }
    const dt = record.kind === 'skip' ? 0 : (performance.now() - t0) / 1000;
    records.push(record);
    seconds.push(dt);
    opts.onFrame?.(i, record, dt);
  }
  if (records.length < groundTruth.length) {
    throw new Error(`supervised run: ${records.length} frames for ${groundTruth.length} ground-truth lines`);
  }
  return { records, failures, seconds };
}
