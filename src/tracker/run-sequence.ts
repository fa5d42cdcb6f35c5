// The tracking loop over a sequence, for every caller: the CLI, the bench, the reference-agreement
// check, and (with frames from a video or canvas) the browser. Only init() and update() are timed:
// frames are produced by the caller's source, before the clock starts.
import type { Box } from '../io/box.ts';
import type { Frame } from '../io/rgb-frame.ts';
import type { MultiTracker, TargetInitReport, TargetResult } from './multi.ts';
import type { InitReport, Tracker, UpdateResult } from './tadt.ts';

export interface TrackedFrame {
  /** 0-based position in the run. */
  index: number;
  frame: Frame;
  /** 0-based [x, y, w, h]: the init box on frame 0. */
  box: Box;
  /** Seconds spent in init() or update() for this frame. */
  seconds: number;
  /** The update's result; null on frame 0. */
  result: UpdateResult | null;
}

export interface RunSequenceOptions {
  /** Called after each frame, awaited before the next one is tracked (writing, drawing, progress). */
  onFrame?: (tracked: TrackedFrame) => void | Promise<void>;
}

export interface SequenceResult {
  init: InitReport;
  /** One per frame, 0-based; boxes[0] is the init box. */
  boxes: Box[];
  /** Peak score per frame; null for frame 0. */
  scores: (number | null)[];
  /** init() seconds, then update() seconds per frame. */
  seconds: number[];
  /** Frames 2..N over their tracking time (first-frame initialisation excluded); 0 for one frame. */
  fps: number;
}

/** A tracker call failed on frame `index`; `cause` says why. Frame sources report their own errors. */
export class SequenceFrameError extends Error {
  override name = 'SequenceFrameError';
  constructor(
    readonly index: number,
    override readonly cause: unknown,
  ) {
    super(`frame ${index + 1}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Tracks `frames` from `initBox` (0-based) on the first one; the source is iterated once. */
export async function runSequence(
  tracker: Tracker,
  frames: AsyncIterable<Frame> | Iterable<Frame>,
  initBox: Box,
  options: RunSequenceOptions = {},
): Promise<SequenceResult> {
  const boxes: Box[] = [];
  const scores: (number | null)[] = [];
  const { init, seconds, fps } = await timedLoop(
    frames,
    (frame) => tracker.init(frame, initBox),
    (frame) => tracker.update(frame),
    async (index, frame, dt, result) => {
      const box = result ? result.box : initBox;
      boxes.push(box);
      scores.push(result ? result.score : null);
      await options.onFrame?.({ index, frame, box, seconds: dt, result });
    },
  );
  return { init, boxes, scores, seconds, fps };
}

export interface TargetsFrame {
  index: number;
  frame: Frame;
  /** Per target, in the order of the initial boxes: 0-based [x, y, w, h]. */
  boxes: Box[];
  /** Seconds of init() or update() for this frame, all targets together. */
  seconds: number;
  /** The update's results; null on frame 0. */
  results: TargetResult[] | null;
}

export interface TargetsResult {
  init: TargetInitReport[];
  /** Per target, one box per frame (boxes[k][0] is target k's initial box). */
  boxes: Box[][];
  seconds: number[];
  fps: number;
}

/** runSequence for several targets followed from the first frame (none added or removed). */
export async function runTargets(
  tracker: MultiTracker,
  frames: AsyncIterable<Frame> | Iterable<Frame>,
  initBoxes: readonly Box[],
  options: { onFrame?: (tracked: TargetsFrame) => void | Promise<void> } = {},
): Promise<TargetsResult> {
  const boxes: Box[][] = initBoxes.map(() => []);
  const { init, seconds, fps } = await timedLoop(
    frames,
    (frame) => tracker.init(frame, initBoxes),
    (frame) => tracker.update(frame),
    async (index, frame, dt, results) => {
      const now = results ? results.map((r) => r.box) : [...initBoxes];
      now.forEach((box, k) => boxes[k].push(box));
      await options.onFrame?.({ index, frame, boxes: now, seconds: dt, results });
    },
  );
  return { init, boxes, seconds, fps };
}

/** The loop both share: times only init and update, wraps their errors with the frame index. */
async function timedLoop<I, U>(
  frames: AsyncIterable<Frame> | Iterable<Frame>,
  init: (frame: Frame) => Promise<I>,
  update: (frame: Frame) => Promise<U>,
  each: (index: number, frame: Frame, seconds: number, result: U | null) => Promise<void>,
): Promise<{ init: I; seconds: number[]; fps: number }> {
  let first: { report: I } | null = null;
  const seconds: number[] = [];
  let index = 0;
  for await (const frame of frames) {
    const t0 = performance.now();
    let result: U | null = null;
    try {
      if (index === 0) first = { report: await init(frame) };
      else result = await update(frame);
    } catch (e) {
      throw new SequenceFrameError(index, e);
    }
    const dt = (performance.now() - t0) / 1000;
    seconds.push(dt);
    await each(index, frame, dt, result);
    index++;
  }
  if (!first) throw new RangeError('runSequence: the frame source gave no frame');
  const tracked = seconds.slice(1).reduce((a, b) => a + b, 0);
  return { init: first.report, seconds, fps: tracked > 0 ? (seconds.length - 1) / tracked : 0 };
}
