import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runSupervised, type InitUpdateTracker, type SupervisedRun } from '../eval/supervised.ts';
import { formatVotRecord } from '../eval/vot.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { joinLines } from '../io/result-lines.ts';
import { openFrames, type Sequence } from '../io/sequence.ts';

/** pysot's VOT layout: `<out>/baseline/<seq>/<seq>_001.txt`, the time file beside it. */
export function supervisedPaths(outDir: string, name: string): { boxPath: string; timePath: string } {
  const dir = join(outDir, 'baseline', name);
  return { boxPath: join(dir, `${name}_001.txt`), timePath: join(dir, `${name}_time.txt`) };
}

export interface SupervisedSequenceRun extends SupervisedRun {
  name: string;
  /** Updates per second over the tracked frames (initialisations and skipped frames excluded). */
  fps: number;
  boxPath: string;
}

/**
 * Runs VOT's supervised experiment on an opened sequence and writes its result atomically. The
 * ground truth as written (`seq.regions`: VOT's polygons, not their boxes) decides the failures.
 */
export async function trackSupervised(tracker: InitUpdateTracker, seq: Sequence, outDir: string): Promise<SupervisedSequenceRun> {
  const regions = seq.regions;
  if (regions === null) throw new Error(`${seq.name}: the supervised experiment needs ground truth for every frame`);
  const run = await runSupervised(tracker, openFrames(seq), regions);
  const paths = supervisedPaths(outDir, seq.name);
  await mkdir(join(outDir, 'baseline', seq.name), { recursive: true });
  await writeFileAtomic(paths.timePath, joinLines(run.seconds.map((s) => s.toFixed(8))));
  // The result file last: its presence marks the sequence as done for --all.
  await writeFileAtomic(paths.boxPath, joinLines(run.records.map(formatVotRecord)));
  const updates = run.records.flatMap((r, i) => (r.kind === 'region' || r.kind === 'failure' ? [run.seconds[i]] : []));
  const busy = updates.reduce((a, b) => a + b, 0);
  return { ...run, name: seq.name, fps: busy > 0 ? updates.length / busy : 0, boxPath: paths.boxPath };
}

/** pysot's line for a VOT video: name, time, speed, lost number. */
export const supervisedSummary = (run: SupervisedSequenceRun, adapter: string): string =>
  `${run.name}: ${run.records.length} frames, ${run.failures} failures (lost), ${run.fps.toFixed(2)} FPS (updates only) [${adapter}]`;
