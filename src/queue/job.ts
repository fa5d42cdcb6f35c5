// What travels on the queue: one job per sequence, and the tracked boxes coming back. Both cross
// machines (and perhaps versions of this program), so both are checked on arrival.
import { createHash } from 'node:crypto';
import type { Box } from '../io/box.ts';
import type { OpenOptions } from '../io/sequence.ts';
import type { TadtConfig } from '../tracker/config.ts';
import type { SelectionOverride } from '../tracker/selection.ts';
import type { VggWeights } from '../weights/vgg.ts';

/** Bumped whenever TrackJob or TrackJobResult changes shape. */
export const JOB_FORMAT = 1;
export const DEFAULT_QUEUE_NAME = 'tadt-track';

/** Everything a worker needs to track one sequence exactly as a local `tadt track --all` would. */
export interface TrackJob {
  format: number;
  /** Result-file stem (`<name>.txt`). */
  sequence: string;
  /** The coordinator's dataset root, used where a worker is given no --dataset-root (a shared path). */
  root: string;
  /** The sequence folder relative to the root, with / separators. */
  path: string;
  /** How the dataset's layout opens the sequence (ground-truth file, annotated range, name). */
  entry: OpenOptions;
  /** 1-based init box and frame range, as typed on the command line. */
  open: { box?: Box; start?: number; end?: number };
  config: TadtConfig;
  selection?: SelectionOverride;
  /** The weights file the coordinator was given (if any), and what the worker's weights must be. */
  weights: { path?: string; identity: string };
  /** Digest of all of the above: tells this run's jobs from another run's with the same ids. */
  fingerprint: string;
}

export interface TrackJobResult {
  worker: string;
  adapter: string;
  /** 0-based boxes, one per frame (the first is the init box), and tracking seconds per frame. */
  boxes: Box[];
  seconds: number[];
  fps: number;
}

/** What a worker reports with job.updateProgress while it tracks. */
export interface TrackProgress {
  worker: string;
  frames: number;
  total: number;
  fps: number;
}

/**
 * BullMQ refuses ids that are whole numbers or contain ':', which folder names may be; the prefix
 * and the encoding keep every name usable and distinct.
 */
export const jobId = (sequence: string): string => `seq-${encodeURIComponent(sequence)}`;

/** The same weights on every machine: the MAT-file's digest, or the synthetic generator's seed. */
export function weightsIdentity(w: VggWeights): string {
  if (w.source.kind === 'synthetic') return `synthetic seed ${w.source.seed}`;
  return w.source.sha256 ? `sha256 ${w.source.sha256}` : `matconvnet ${w.source.file ?? 'unknown file'}`;
}

export function withFingerprint(job: Omit<TrackJob, 'fingerprint'>): TrackJob {
  return { ...job, fingerprint: createHash('sha256').update(JSON.stringify(job)).digest('hex') };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumbers = (v: unknown, n?: number): v is number[] =>
  Array.isArray(v) && (n === undefined || v.length === n) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** Checks a job taken from the queue; the error names the job and what is wrong with it. */
export function parseTrackJob(id: string | undefined, data: unknown): TrackJob {
  const bad = (why: string) => new Error(`job ${id}: ${why}`);
  if (!isObject(data)) throw bad('data is not an object');
  if (data.format !== JOB_FORMAT) {
    throw bad(`format ${String(data.format)}, this worker reads format ${JOB_FORMAT}: run the same version of tadt everywhere`);
  }
  for (const key of ['sequence', 'root', 'path', 'fingerprint'] as const) {
    if (typeof data[key] !== 'string') throw bad(`${key} is not a string`);
  }
  if (!isObject(data.entry) || !isObject(data.open) || !isObject(data.config) || !isObject(data.weights) || typeof data.weights.identity !== 'string') {
    throw bad('entry, open, config or weights.identity missing');
  }
  return data as unknown as TrackJob;
}

/** Checks a finished job's return value, and that it has a box for each of the `frames` the coordinator has. */
export function parseTrackResult(id: string | undefined, value: unknown, frames: number): TrackJobResult {
  const bad = (why: string) => new Error(`job ${id}: result ${why}`);
  if (!isObject(value)) throw bad('is not an object');
  const { boxes, seconds } = value;
  if (!Array.isArray(boxes) || boxes.length === 0 || !boxes.every((b) => isNumbers(b, 4))) throw bad('has no list of finite x,y,w,h boxes');
  if (!isNumbers(seconds) || seconds.length !== boxes.length) throw bad(`has ${boxes.length} boxes but not as many frame times`);
  if (typeof value.worker !== 'string' || typeof value.adapter !== 'string' || typeof value.fps !== 'number') {
    throw bad('lacks worker, adapter or fps');
  }
  if (boxes.length !== frames) {
    throw new Error(`worker ${value.worker} tracked ${boxes.length} frames, this copy of the dataset has ${frames}`);
  }
  return value as unknown as TrackJobResult;
}
