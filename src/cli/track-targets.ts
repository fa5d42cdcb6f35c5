// `tadt track` with several targets (--box repeated, or --boxes FILE): one multi-target tracker,
// one result file per target. `<Seq>.<k>.txt` (k = 1, 2, ... in the order the boxes were given)
// rather than one file with a target column: every evaluation tool, `tadt eval` included, reads
// one box per line, so each target's file is a result file as any other.
import { ResultWriter } from '../io/atomic.ts';
import type { Box } from '../io/box.ts';
import { openFrames, type Sequence } from '../io/sequence.ts';
import type { MultiTracker } from '../tracker/multi.ts';
import { runTargets, type TargetsResult } from '../tracker/run-sequence.ts';
import { targetColor } from '../vis/annotate.ts';
import { openDrawing, type RunOutputs, withProgress } from './run-sequence.ts';

export interface TargetsRun {
  name: string;
  frames: number;
  /** Per target: its boxes and its result file. */
  targets: { target: number; boxes: Box[]; boxPath: string }[];
  initSeconds: number;
  fps: number;
  warnings: string[];
}

/** The result name of target k: `<Seq>.<k>` (its files are `<Seq>.<k>.txt` and `<Seq>.<k>_time.txt`). */
export const targetResultName = (seq: string, k: number) => `${seq}.${k}`;

/**
 * Tracks `boxes` (0-based) through the sequence. Each target's time file holds the frame's time,
 * which all targets share (one submission per frame).
 */
export async function trackTargets(tracker: MultiTracker, seq: Sequence, boxes: readonly Box[], out: RunOutputs & { outDir: string }): Promise<TargetsRun> {
  const writers = boxes.map((_, k) => new ResultWriter(out.outDir, targetResultName(seq.name, k + 1), out.layout));
  const drawing = openDrawing(seq, out);
  const run: TargetsResult = await withProgress(seq, out, (progress) =>
    runTargets(tracker, openFrames(seq), boxes, {
      onFrame: async ({ index, frame, boxes: now, seconds }) => {
        now.forEach((box, k) => writers[k].add(box, seconds));
        if (drawing.wanted) {
          const targets = now.map((box, k) => ({ box, label: String(k + 1), color: targetColor(k + 1) }));
          await drawing.draw(index, frame, { targets });
        }
        progress?.tick(index + 1, seconds);
      },
    }),
  );
  await drawing.close();
  const paths: string[] = [];
  for (const w of writers) paths.push((await w.finish()).boxPath);
  return {
    name: seq.name,
    frames: run.seconds.length,
    targets: run.boxes.map((b, k) => ({ target: k + 1, boxes: b, boxPath: paths[k] })),
    initSeconds: run.seconds[0],
    fps: run.fps,
    warnings: run.init.flatMap((r) => r.warnings),
  };
}

export function targetsSummary(run: TargetsRun, adapter: string): string {
  return [
    `${run.name}: ${run.targets.length} targets, ${run.frames} frames`,
    `${run.fps.toFixed(2)} FPS for all targets (frames 2..N; decode and first-frame init excluded)`,
    `init ${run.initSeconds.toFixed(2)} s`,
    `results ${run.targets.map((t) => t.boxPath).join(', ')} [${adapter}]`,
  ].join(', ');
}
