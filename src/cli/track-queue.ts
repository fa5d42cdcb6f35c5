// `tadt track ROOT --all --queue redis://...`: the same sequences and settings as a local --all
// run, tracked by `tadt worker`s on other machines, written here into the same result layout.
import { relative, resolve, sep } from 'node:path';
import type { Box } from '../io/box.ts';
import { type ResultLayout, resultPaths } from '../io/atomic.ts';
import type { DatasetEntry } from '../io/datasets/index.ts';
import { openSequence, type Sequence } from '../io/sequence.ts';
import type { TadtConfig } from '../tracker/config.ts';
import type { SelectionOverride } from '../tracker/selection.ts';
import { resolveWeights } from '../weights/resolve.ts';
import { coordinate } from '../queue/coordinator.ts';
import { JOB_FORMAT, weightsIdentity, withFingerprint, type TrackJob } from '../queue/job.ts';
import { checkRedis, parseRedisUrl } from '../queue/redis.ts';
import { sequenceRun, summaryLine } from './run-sequence.ts';

export interface QueueRun {
  url: string;
  queueName: string;
  root: string;
  /** The sequences still to do (those with results were skipped already). */
  entries: DatasetEntry[];
  /** Result layout of the dataset (got10k's differs). */
  layout: ResultLayout;
  open: { box?: Box; start?: number; end?: number };
  config: TadtConfig;
  selection?: SelectionOverride;
  weights?: string;
  outDir: string;
  quiet: boolean;
  /** Options that only make sense where the frames are tracked, by flag name, if given. */
  localOnly: string[];
}

export async function trackOnQueue(run: QueueRun): Promise<void> {
  if (run.localOnly.length > 0) throw new Error(`--queue: ${run.localOnly.join(', ')} cannot be used with it (the workers track the frames)`);
  const target = parseRedisUrl(run.url);
  // Before the weights (seconds): a wrong address is the likelier mistake.
  await checkRedis(target);
  const weights = await resolveWeights({ weights: run.weights });
  if (weights.warning) console.error(`\n${weights.warning}\n`);

  const root = resolve(run.root);
  const failures = new Map<string, string>();
  const sequences = new Map<string, Sequence>();
  const jobs: { job: TrackJob; frames: number }[] = [];
  for (const entry of run.entries) {
    try {
      // Opened here too: inputs are checked before anything is queued, and the ground truth scores the results.
      const seq = openSequence(entry.dir, { ...entry.open, ...run.open });
      for (const note of seq.notes) if (!run.quiet) console.error(`${seq.name}: ${note}`);
      sequences.set(seq.name, seq);
      const job = withFingerprint({
        format: JOB_FORMAT,
        sequence: seq.name,
        root,
        path: relative(root, entry.dir).split(sep).join('/'),
        entry: entry.open,
        open: run.open,
        config: run.config,
        selection: run.selection,
        weights: { path: run.weights && resolve(run.weights), identity: weightsIdentity(weights.weights) },
      });
      jobs.push({ job, frames: seq.frames.length });
    } catch (e) {
      failures.set(entry.name, e instanceof Error ? e.message : String(e));
      console.error(`tadt track: ${entry.name}: ${failures.get(entry.name)}`);
    }
  }

  const queued = await coordinate({
    target,
    queueName: run.queueName,
    outDir: run.outDir,
    layout: run.layout,
    jobs,
    quiet: run.quiet,
    log: (line) => console.error(line),
    onResult: (job, result) => {
      const seq = sequences.get(job.sequence)!;
      const summary = sequenceRun(seq, result.boxes, result.seconds, result.fps, resultPaths(run.outDir, seq.name, run.layout).boxPath);
      console.log(summaryLine(summary, `${result.worker}: ${result.adapter}`));
    },
  });
  for (const [name, reason] of queued) {
    failures.set(name, reason);
    console.error(`tadt track: ${name}: ${reason}`);
  }
  if (failures.size > 0) {
    throw new Error(`${failures.size} of ${run.entries.length} sequences failed (no results written): ${[...failures.keys()].join(', ')}`);
  }
}
