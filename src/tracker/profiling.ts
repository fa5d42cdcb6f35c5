// The benchmark's view into the tracker, kept out of the Tracker interface.
import type { Frame } from '../io/rgb-frame.ts';
import { type MultiTracker, type TargetResult, TargetSet } from './multi.ts';
import { type StageSeconds, TadtTracker, type Tracker, type UpdateResult } from './tadt.ts';

/**
 * update() with each stage of the frame plan timed apart: GPU timestamps where the adapter has
 * them, else one waited submission per stage (slower than update()).
 */
export function profileUpdate(tracker: Tracker, frame: Frame): Promise<{ result: UpdateResult; seconds: StageSeconds }> {
  if (!(tracker instanceof TadtTracker)) throw new TypeError('profileUpdate: not a tracker made by createTracker');
  return tracker.profileUpdate(frame);
}

/** profileUpdate for a multi-target tracker: one frame of every target, its stages timed apart. */
export function profileTargets(tracker: MultiTracker, frame: Frame): Promise<{ results: TargetResult[]; seconds: StageSeconds }> {
  if (!(tracker instanceof TargetSet)) throw new TypeError('profileTargets: not a tracker made by createMultiTracker');
  return tracker.profileUpdate(frame);
}
