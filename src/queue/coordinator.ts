// The coordinator of a run spread over machines: puts one job per sequence on a BullMQ queue,
// then writes each sequence's result, once, as the workers finish them.
import { Queue, QueueEvents } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ResultLayout, ResultWriter } from '../io/atomic.ts';
import { jobId, parseTrackResult, type TrackJob, type TrackJobResult, type TrackProgress } from './job.ts';
import { QueueProgress } from './progress.ts';
import { OutageLog, type RedisTarget } from './redis.ts';

export interface CoordinatorOptions {
  target: RedisTarget;
  queueName: string;
  outDir: string;
  layout: ResultLayout;
  /** One job per sequence, with the frame count the coordinator's copy of the dataset has. */
  jobs: { job: TrackJob; frames: number }[];
  /** Called once per sequence, after its result files are written. */
  onResult: (job: TrackJob, result: TrackJobResult) => void;
  /** Notes and errors, one line each (the progress line is kept intact around them). */
  log: (line: string) => void;
  quiet: boolean;
}

/** Outstanding jobs are looked at this often too, in case an event was missed (the server restarted, say). */
const SWEEP_MS = 5000;

/**
 * Runs the queue until every sequence is written or failed; resolves to the failures, by sequence.
 * Check the server first (checkRedis): BullMQ retries a wrong address for ever.
 */
export async function coordinate(opts: CoordinatorOptions): Promise<Map<string, string>> {
  if (opts.jobs.length === 0) return new Map();
  const connection = opts.target.options;
  const queue = new Queue(opts.queueName, { connection });
  const events = new QueueEvents(opts.queueName, { connection });
  const progress = opts.quiet ? null : new QueueProgress(opts.jobs.length, opts.jobs.reduce((n, j) => n + j.frames, 0));
  const say = (write: () => void) => (progress ? progress.print(write) : write());
  const log = (line: string) => say(() => opts.log(line));
  const outages = new OutageLog(opts.target, log);
  outages.watch(queue);
  outages.watch(events);

  const byId = new Map(opts.jobs.map((j) => [jobId(j.job.sequence), j]));
  const outstanding = new Set(byId.keys());
  const failures = new Map<string, string>();
  let finish = () => {};
  const allDone = new Promise<void>((resolve) => (finish = resolve));

  const settleOnce = new Map<string, Promise<void>>();
  /** Writes or fails the job if it has finished; the event and the sweep may both call it. */
  const settle = (id: string): Promise<void> => {
    const previous = settleOnce.get(id) ?? Promise.resolve();
    const next = previous.then(() => (outstanding.has(id) ? look(id) : undefined));
    settleOnce.set(id, next.catch(() => {}));
    return next;
  };
  const look = async (id: string): Promise<void> => {
    const { job, frames } = byId.get(id)!;
    const state = await queue.getJobState(id);
    if (state === 'unknown') {
      // Gone from the server (a Redis without persistence restarted): queue it again.
      log(`${job.sequence}: its job is gone from the queue; queueing it again`);
      await place(queue, job);
      return;
    }
    if (state !== 'completed' && state !== 'failed') return;
    const stored = await queue.getJob(id);
    if (!stored) return; // removed between the two calls: the next look queues it again
    outstanding.delete(id);
    try {
      if (stored.data?.fingerprint !== job.fingerprint) {
        throw new Error('its job was replaced by another run on the same queue (use another --queue-name)');
      }
      if (state === 'failed') throw new Error(stored.failedReason || 'failed without a reason');
      const result = parseTrackResult(id, stored.returnvalue, frames);
      const writer = new ResultWriter(opts.outDir, job.sequence, opts.layout);
      result.boxes.forEach((box, i) => writer.add(box, result.seconds[i]));
      await writer.finish();
      progress?.finished(job.sequence, frames, result.worker, result.fps);
      say(() => opts.onResult(job, result));
      // Written: the job's work is done. Should removing it fail, a finished job is merely left behind.
      await stored.remove().catch(() => {});
    } catch (e) {
      // The job stays on the queue (failed, or finished but unwritten) for the next run to retry or write.
      failures.set(job.sequence, e instanceof Error ? e.message : String(e));
      progress?.finished(job.sequence, 0);
    }
    if (outstanding.size === 0) finish();
  };

  const report = (id: string, e: unknown) => log(`${byId.get(id)?.job.sequence ?? id}: ${e instanceof Error ? e.message : String(e)}`);
  events.on('completed', ({ jobId: id }) => void (byId.has(id) && settle(id).catch((e) => report(id, e))));
  events.on('failed', ({ jobId: id }) => void (byId.has(id) && settle(id).catch((e) => report(id, e))));
  events.on('progress', ({ jobId: id, data }) => {
    const j = byId.get(id);
    if (j && outstanding.has(id) && typeof data === 'object') progress?.update(j.job.sequence, data as TrackProgress);
  });
  events.on('stalled', ({ jobId: id }) => {
    const j = byId.get(id);
    if (!j) return;
    log(`${j.job.sequence}: its worker stopped renewing the job's lock; the sequence goes back to the queue`);
    progress?.requeued(j.job.sequence);
  });

  const stop = new AbortController();
  try {
    // Listening before anything is queued, so that no completion goes by unseen.
    await events.waitUntilReady();
    for (const { job } of opts.jobs) await place(queue, job);
    const sweep = (async () => {
      while (!stop.signal.aborted) {
        for (const id of [...outstanding]) await settle(id).catch((e) => report(id, e));
        await sleep(SWEEP_MS, undefined, { signal: stop.signal }).catch(() => {});
      }
    })();
    await allDone;
    stop.abort();
    await sweep;
  } finally {
    stop.abort();
    progress?.done();
    await events.close();
    await queue.close();
  }
  return failures;
}

/**
 * Queues `job` under its sequence's id. The id may already be taken: by this run's job from an
 * earlier, interrupted coordinator (kept: waiting, being tracked or done), or by a failed or
 * foreign one (replaced, unless a worker is tracking it).
 */
async function place(queue: Queue, job: TrackJob): Promise<void> {
  const id = jobId(job.sequence);
  const existing = await queue.getJob(id);
  if (existing) {
    const state = await existing.getState();
    if (existing.data?.fingerprint === job.fingerprint && state !== 'failed') return;
    if (state === 'active') {
      throw new Error(
        `queue ${queue.name}: a worker is tracking ${job.sequence} for another run (other settings or dataset); ` +
          'wait for it to finish or use another --queue-name',
      );
    }
    await existing.remove();
  }
  // Failures are not retried: tracking is deterministic, so a sequence that fails fails again.
  // A worker that dies is another matter: its job is put back by BullMQ's stalled-job check.
  await queue.add(job.sequence, job, { jobId: id, attempts: 1 });
}
