// One tracking run: runSequence over the source's frames from a chosen frame and box, with a
// gate between frames for pause, step and resume, and a stop for a restart.
import {
  type Box, createTracker, type Engine, type Frame, runSequence, type SequenceResult, type TrackedFrame, type VggWeights,
} from '../src/browser.ts';
import type { FrameSource, SourceFrame } from './sources.ts';

/** Lets frames through freely, one at a time (step), or not at all (paused). */
class Gate {
  private credits = Infinity;
  private waiting: (() => void) | null = null;

  /** Told when the run stops at the gate: the frame in progress is done and the next one waits. */
  constructor(private readonly onHold: () => void) {}

  /** No frame will pass without a step or resume (a frame in progress may still finish). */
  get paused(): boolean {
    return this.credits === 0;
  }

  /** The run is waiting at the gate: nothing is in progress. */
  get holding(): boolean {
    return this.waiting !== null;
  }

  pause(): void {
    this.credits = 0;
  }

  step(): void {
    this.credits = 1;
    this.release();
  }

  resume(): void {
    this.credits = Infinity;
    this.release();
  }

  async pass(): Promise<void> {
    while (this.credits === 0) {
      const released = new Promise<void>((resolve) => (this.waiting = resolve));
      this.onHold();
      await released;
    }
    this.credits--;
  }

  private release(): void {
    this.waiting?.();
    this.waiting = null;
  }
}

export interface RunOptions {
  engine: Engine;
  weights: VggWeights;
  responseMaps: boolean;
  source: FrameSource;
  /** The frame to start on (frame 1 of the run) and its number in the source. */
  first: SourceFrame;
  firstNumber: number;
  box: Box;
  /** After each frame is tracked; `current` is the source frame, `number` its 1-based place in the source. */
  onFrame(tracked: TrackedFrame, current: SourceFrame, number: number): void;
  /** When the run has stopped at the gate after a pause or a step. */
  onHold(): void;
}

export class TrackingRun {
  readonly gate: Gate;
  /** The last frame given to the tracker, and its number in the source. */
  current: SourceFrame;
  number: number;
  readonly done: Promise<SequenceResult>;
  private stopped = false;

  constructor(private readonly options: RunOptions) {
    this.gate = new Gate(options.onHold);
    this.current = options.first;
    this.number = options.firstNumber;
    this.done = this.run();
  }

  /** Ends the run after the frame in progress; `done` then resolves with the frames tracked so far. */
  stop(): void {
    this.stopped = true;
    this.gate.resume();
  }

  private async *frames(): AsyncGenerator<Frame> {
    yield this.current.frame;
    for (;;) {
      await this.gate.pass();
      if (this.stopped) return;
      const next = await this.options.source.next();
      if (!next || this.stopped) return;
      this.current = next;
      this.number++;
      yield next.frame;
    }
  }

  private async run(): Promise<SequenceResult> {
    const { engine, weights, responseMaps, box, onFrame } = this.options;
    const tracker = await createTracker(engine, { weights, responseMaps });
    try {
      return await runSequence(tracker, this.frames(), box, {
        onFrame: (tracked) => onFrame(tracked, this.current, this.number),
      });
    } finally {
      tracker.dispose();
    }
  }
}
