import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateSequence, type SequenceMetrics } from '../eval/metrics.ts';
import { type ResultLayout, ResultWriter } from '../io/atomic.ts';
import type { Box } from '../io/box.ts';
import { FrameError } from '../io/errors.ts';
import { frameName, openFrames, type Sequence } from '../io/sequence.ts';
import type { VideoInfo } from '../io/video-probe.ts';
import { runSequence, SequenceFrameError, type SequenceResult, type TrackedFrame } from '../tracker/run-sequence.ts';
import type { Tracker } from '../tracker/tadt.ts';
import type { Frame } from '../io/frame.ts';
import { type AnnotateOptions, annotateFrame } from '../vis/annotate.ts';
import { toPng } from '../vis/raster.ts';
import { openVideo, type VideoWriter } from '../vis/video.ts';

export interface RunOutputs {
  /** Results folder; absent for a queue worker, which returns boxes and times to the coordinator instead. */
  outDir?: string;
  /** Result file layout (default otb: `<out>/<Seq>.txt`). */
  layout?: ResultLayout;
  visDir?: string;
  video?: string;
  visResponse?: boolean;
  quiet?: boolean;
  /** Called after each frame with the frames done so far and this frame's seconds (a queue worker's progress). */
  onFrame?: (done: number, seconds: number) => void;
}

export interface SequenceRun {
  name: string;
  frames: number;
  boxes: Box[];
  /** Tracking seconds per frame (init for frame 1), decode excluded. */
  seconds: number[];
  initSeconds: number;
  /** Frames 2..N over their tracking time: decode and first-frame initialisation excluded. */
  fps: number;
  metrics: SequenceMetrics | null;
  /** Null when no outDir was given. */
  boxPath: string | null;
  /** 1-based number of the first frame tracked, in the folder or video. */
  firstFrame: number;
  /** The video tracked, null for a folder of frames. */
  video: VideoInfo | null;
}

/** Annotated PNG frames and/or an animation of a run, as the outputs ask; nothing when neither. */
export function openDrawing(seq: Sequence, out: RunOutputs) {
  let video = null as VideoWriter | null;
  if (out.visDir) mkdirSync(out.visDir, { recursive: true });
  return {
    wanted: Boolean(out.visDir || out.video),
    async draw(index: number, frame: Frame, options: AnnotateOptions): Promise<void> {
      const canvas = annotateFrame(
        { width: frame.width, height: frame.height, data: Uint8Array.from(frame.data) },
        { gt: seq.groundTruth?.[index] ?? null, frameIndex: seq.firstFrame + index, ...options },
      );
      if (out.visDir) writeFileSync(join(out.visDir, `${String(seq.firstFrame + index).padStart(4, '0')}.png`), toPng(canvas));
      if (out.video) {
        video ??= openVideo(out.video, { fps: 10 });
        await video.write(canvas);
      }
    },
    close: async () => video?.close(),
  };
}

/** Tracks a whole sequence with `tracker`, writing results (atomically) and optional pictures. */
export async function trackSequence(tracker: Tracker, seq: Sequence, out: RunOutputs): Promise<SequenceRun> {
  const writer = out.outDir === undefined ? null : new ResultWriter(out.outDir, seq.name, out.layout);
  const drawing = openDrawing(seq, out);
  const run: SequenceResult = await withProgress(seq, out, (progress) =>
    runSequence(tracker, openFrames(seq), seq.initBox, {
      onFrame: async ({ index, frame, box, result, seconds }: TrackedFrame) => {
        writer?.add(box, seconds);
        if (drawing.wanted) {
          const responseMaps = out.visResponse && result?.responseMaps ? result.responseMaps : undefined;
          await drawing.draw(index, frame, { box, score: result?.score, responseMaps });
        }
        progress?.tick(index + 1, seconds);
        out.onFrame?.(index + 1, seconds);
      },
    }),
  );
  await drawing.close();
  const boxPath = writer && (await writer.finish()).boxPath;
  return sequenceRun(seq, run.boxes, run.seconds, run.fps, boxPath);
}

/** A tracked sequence's summary, scored against its ground truth where there is one. */
export function sequenceRun(seq: Sequence, boxes: Box[], seconds: number[], fps: number, boxPath: string | null): SequenceRun {
  const metrics = seq.groundTruth
    ? evaluateSequence(
        boxes,
        seq.groundTruth.map((b) => b ?? [NaN, NaN, NaN, NaN]),
      )
    : null;
  return {
    name: seq.name,
    frames: boxes.length,
    boxes,
    seconds,
    initSeconds: seconds[0],
    fps,
    metrics,
    boxPath,
    firstFrame: seq.firstFrame,
    video: seq.video,
  };
}

/** Runs a sequence's loop under a progress bar (unless quiet), naming the frame file of a tracker error. */
export async function withProgress<T>(seq: Sequence, out: RunOutputs, body: (progress: Progress | null) => Promise<T>): Promise<T> {
  const progress = out.quiet ? null : new Progress(seq.name, seq.frameCount);
  try {
    return await body(progress);
  } catch (e) {
    throw e instanceof SequenceFrameError ? atFrame(frameName(seq, e.index), e.cause) : e;
  } finally {
    progress?.done();
  }
}

/**
 * The tracker knows pixels, not files: "frame is 96x80, but the sequence started with 100x80 frames"
 * is only findable in a long folder with the file (or the video's frame number) named. Read errors
 * already name it.
 */
function atFrame(path: string, e: unknown): Error {
  if (e instanceof FrameError) return e;
  return new Error(`${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

export function summaryLine(run: SequenceRun, adapter: string): string {
  const v = run.video;
  const fps = v?.fps == null ? 'frame rate unknown' : `${Number(v.fps.toFixed(3))} fps`;
  const range = v ? ` (${run.firstFrame}..${run.firstFrame + run.frames - 1} of ${v.frameCount} in the video, ${fps})` : '';
  const parts = [
    `${run.name}: ${run.frames} frames${range}`,
    `${run.fps.toFixed(2)} FPS (frames 2..N; decode and first-frame init excluded)`,
    `init ${run.initSeconds.toFixed(2)} s`,
  ];
  if (run.metrics) parts.push(`AUC ${run.metrics.auc.toFixed(3)}`, `precision@20px ${run.metrics.precision.toFixed(3)}`);
  return `${parts.join(', ')} [${adapter}]`;
}

/** A one-line progress bar with live FPS on stderr; silent when stderr is not a terminal except at the end. */
class Progress {
  private last = 0;
  private readonly recent: number[] = [];
  constructor(
    private readonly name: string,
    private readonly total: number,
  ) {}

  /** `seconds`: this frame's tracking time; the live FPS is over the last 20 updates. */
  tick(done: number, seconds: number): void {
    if (done > 1) this.recent.push(seconds);
    if (this.recent.length > 20) this.recent.shift();
    const now = performance.now();
    if (done < this.total && now - this.last < 200) return;
    this.last = now;
    const sum = this.recent.reduce((a, b) => a + b, 0);
    const fps = sum > 0 ? this.recent.length / sum : 0;
    const width = 30;
    const filled = Math.round((done / this.total) * width);
    const line = `${this.name} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${this.total} ${fps.toFixed(2)} FPS`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
    else if (done === this.total) process.stderr.write(`${line}\n`);
  }

  done(): void {
    if (process.stderr.isTTY) process.stderr.write('\n');
  }
}
