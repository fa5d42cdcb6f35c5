import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateSequence, type SequenceMetrics } from '../eval/metrics.ts';
import { ResultWriter } from '../io/atomic.ts';
import type { Box } from '../io/box.ts';
import { FrameError } from '../io/errors.ts';
import { FramePrefetcher } from '../io/prefetch.ts';
import type { Sequence } from '../io/sequence.ts';
import { annotateFrame } from '../vis/annotate.ts';
import { toPng } from '../vis/raster.ts';
import { openVideo, type VideoWriter } from '../vis/video.ts';
import type { Tracker, UpdateResult } from '../tracker/tadt.ts';

export interface RunOutputs {
  outDir: string;
  visDir?: string;
  video?: string;
  visResponse?: boolean;
  quiet?: boolean;
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
  boxPath: string;
}

/** Tracks a whole sequence with `tracker`, writing results (atomically) and optional pictures. */
export async function runSequence(tracker: Tracker, seq: Sequence, out: RunOutputs): Promise<SequenceRun> {
  const prefetch = new FramePrefetcher(seq.frames);
  const writer = new ResultWriter(out.outDir, seq.name);
  let video: VideoWriter | null = null;
  if (out.visDir) mkdirSync(out.visDir, { recursive: true });
  const progress = out.quiet ? null : new Progress(seq.name, seq.frames.length);
  const boxes: Box[] = [];
  const seconds: number[] = [];
  try {
    for (let i = 0; i < seq.frames.length; i++) {
      const frame = await prefetch.next();
      const t0 = performance.now();
      let result: UpdateResult | null = null;
      try {
        if (i === 0) await tracker.init(frame, seq.initBox);
        else result = await tracker.update(frame);
      } catch (e) {
        throw atFrame(seq.frames[i], e);
      }
      const dt = (performance.now() - t0) / 1000;
      const box = result ? result.box : seq.initBox;
      boxes.push(box);
      seconds.push(dt);
      writer.add(box, dt);
      if (out.visDir || out.video) {
        const canvas = annotateFrame(
          { width: frame.width, height: frame.height, data: Uint8Array.from(frame.data) },
          {
            box,
            gt: seq.groundTruth?.[i] ?? null,
            frameIndex: seq.firstFrame + i,
            score: result?.score,
            responseMaps: out.visResponse && result?.responseMaps ? result.responseMaps : undefined,
          },
        );
        if (out.visDir) writeFileSync(join(out.visDir, `${String(seq.firstFrame + i).padStart(4, '0')}.png`), toPng(canvas));
        if (out.video) {
          video ??= openVideo(out.video, { fps: 10 });
          await video.write(canvas);
        }
      }
      progress?.tick(i + 1, seconds);
    }
  } finally {
    await prefetch.close();
    progress?.done();
  }
  await video?.close();
  const { boxPath } = await writer.finish();
  const tracked = seconds.slice(1).reduce((a, b) => a + b, 0);
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
    fps: tracked > 0 ? (boxes.length - 1) / tracked : 0,
    metrics,
    boxPath,
  };
}

/**
 * The tracker knows pixels, not files: "frame is 96x80, but the sequence started with 100x80 frames"
 * is only findable in a long folder with the file named. Read errors already name it.
 */
function atFrame(path: string, e: unknown): Error {
  if (e instanceof FrameError) return e;
  return new Error(`${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

export function summaryLine(run: SequenceRun, adapter: string): string {
  const parts = [
    `${run.name}: ${run.frames} frames`,
    `${run.fps.toFixed(2)} FPS (frames 2..N; decode and first-frame init excluded)`,
    `init ${run.initSeconds.toFixed(2)} s`,
  ];
  if (run.metrics) parts.push(`AUC ${run.metrics.auc.toFixed(3)}`, `precision@20px ${run.metrics.precision.toFixed(3)}`);
  return `${parts.join(', ')} [${adapter}]`;
}

/** A one-line progress bar with live FPS on stderr; silent when stderr is not a terminal except at the end. */
class Progress {
  private last = 0;
  constructor(
    private readonly name: string,
    private readonly total: number,
  ) {}

  tick(done: number, seconds: number[]): void {
    const now = performance.now();
    if (done < this.total && now - this.last < 200) return;
    this.last = now;
    const recent = seconds.slice(Math.max(1, seconds.length - 20));
    const sum = recent.reduce((a, b) => a + b, 0);
    const fps = sum > 0 ? recent.length / sum : 0;
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
