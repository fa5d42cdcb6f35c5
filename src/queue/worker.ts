// A queue worker: takes one sequence at a time off the queue and tracks it on this machine's GPU
// exactly as `tadt track --all` would, returning the boxes and frame times to the coordinator.
import { Worker, type Job } from 'bullmq';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { trackSequence } from '../cli/run-sequence.ts';
import { openSequence } from '../io/sequence.ts';
import type { Engine } from '../runtime/engine.ts';
import { createTracker } from '../tracker/tadt.ts';
import { resolveWeights, type ResolvedWeights } from '../weights/resolve.ts';
import { parseTrackJob, weightsIdentity, type TrackJobResult, type TrackProgress } from './job.ts';
import { OutageLog, type RedisTarget } from './redis.ts';

export interface WorkerOptions {
  target: RedisTarget;
  queueName: string;
  /** This machine's copy of the dataset; default: the coordinator's root (a shared path). */
  datasetRoot?: string;
  /** This machine's weights file; default: the coordinator's path if it exists here, else the installed weights. */
  weights?: string;
  /** Shown in the coordinator's progress and in results. */
  name: string;
  /** BullMQ's job lock: a worker that stops renewing it (killed, frozen, cut off) loses the job after this. */
  lockMs: number;
  /** How often each worker looks for jobs whose lock has expired, and puts them back in the queue. */
  stalledMs: number;
  /** How many times a job may be put back before it is failed. */
  maxStalled: number;
  log: (line: string) => void;
}

/** At most this often a progress report goes to Redis: the coordinator's bar needs no more. */
const PROGRESS_MS = 250;

/** Starts taking jobs; resolves to the BullMQ worker once it is connected (close() it to stop). */
export async function startWorker(engine: Engine, opts: WorkerOptions): Promise<Worker> {
  const weights = new Map<string, Promise<ResolvedWeights>>();
  const weightsFor = (path: string | undefined) => {
    const key = path ?? '';
    if (!weights.has(key)) weights.set(key, resolveWeights({ weights: path }));
    return weights.get(key)!;
  };
  // Before any job is taken: reading or generating weights blocks for seconds, which would
  // otherwise count against the first job's lock. A bad --weights also fails here, at once.
  const { warning } = await weightsFor(opts.weights);
  if (warning) opts.log(`\n${warning}`);

  // Jobs whose lock could not be renewed: BullMQ has given them to another worker, so tracking
  // them further here is wasted; the frame callback stops it.
  const lost = new Set<string>();

  const track = async (job: Job): Promise<TrackJobResult> => {
    const data = parseTrackJob(job.id, job.data);
    // The coordinator's file where this machine has it (a shared path), else the installed weights;
    // either way they must be the run's weights.
    const here = data.weights.path !== undefined && existsSync(data.weights.path) ? data.weights.path : undefined;
    const resolved = await weightsFor(opts.weights ?? here);
    const identity = weightsIdentity(resolved.weights);
    if (identity !== data.weights.identity) {
      throw new Error(`weights here are ${identity} (${resolved.path ?? 'synthetic'}), the run uses ${data.weights.identity}: pass --weights`);
    }
    const seq = openSequence(join(opts.datasetRoot ?? data.root, data.path), { ...data.entry, ...data.open });
    opts.log(`${seq.name}: started (${seq.frames.length} frames)`);
    const tracker = await createTracker(engine, { weights: resolved.weights, config: data.config, selection: data.selection });
    const report = progressReporter(job, opts.name, seq.frames.length);
    const onFrame = (done: number, seconds: number) => {
      if (lost.has(job.id!)) throw new Error(`lost the job's lock at frame ${done}: another worker tracks ${seq.name}`);
      report(done, seconds);
    };
    try {
      const run = await trackSequence(tracker, seq, { quiet: true, onFrame });
      opts.log(`${seq.name}: ${run.frames} frames, ${run.fps.toFixed(2)} FPS`);
      return { worker: opts.name, adapter: engine.adapterName, boxes: run.boxes, seconds: run.seconds, fps: run.fps };
    } finally {
      tracker.dispose();
    }
  };

  const worker = new Worker(
    opts.queueName,
    async (job: Job) => {
      lost.delete(job.id!);
      try {
        return await track(job);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        opts.log(`${job.name}: ${message}`);
        // The coordinator shows this reason: say where it happened.
        throw new Error(`on worker ${opts.name}: ${message}`, { cause: e });
      }
    },
    {
      connection: opts.target.options,
      name: opts.name,
      // One sequence at a time: tracking uses the whole GPU.
      concurrency: 1,
      lockDuration: opts.lockMs,
      stalledInterval: opts.stalledMs,
      maxStalledCount: opts.maxStalled,
    },
  );
  worker.on('lockRenewalFailed', (ids) => ids.forEach((id) => lost.add(id)));
  new OutageLog(opts.target, opts.log).watch(worker);
  await worker.waitUntilReady();
  return worker;
}

/**
 * Progress at most every PROGRESS_MS and on the last frame, never awaited: tracking must not
 * stall while Redis is away, so while one report is in flight the next ones are skipped. A lost
 * report costs nothing (the next one, or the job's completion, supersedes it), so failures are dropped.
 */
function progressReporter(job: Job, worker: string, total: number): (done: number, seconds: number) => void {
  let last = 0;
  let inFlight = false;
  let tracked = 0; // seconds of frames 2..done, as the final FPS counts them
  return (done, seconds) => {
    if (done > 1) tracked += seconds;
    const now = performance.now();
    if (inFlight || (done < total && now - last < PROGRESS_MS)) return;
    last = now;
    const progress: TrackProgress = { worker, frames: done, total, fps: tracked > 0 ? (done - 1) / tracked : 0 };
    inFlight = true;
    job.updateProgress(progress).catch(() => {}).finally(() => (inFlight = false));
  };
}
