import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { type Box, checkBoxSize, fromOneBased } from './box.ts';
import { SequenceError } from './errors.ts';
import type { FrameSource } from './frame-source.ts';
import { isDir, isFile, natural } from './fs.ts';
import { parseRegions, type Region, regionBox } from './groundtruth.ts';
import { FramePrefetcher } from './prefetch.ts';
import { probeVideo, type VideoInfo } from './video-probe.ts';
import { VideoFrames } from './video-source.ts';

export type Layout = 'otb' | 'vot' | 'frames' | 'video';

export interface Sequence {
  /**
   * Result-file stem: the folder name, plus `-N` for `groundtruth_rect.N.txt` (OTB's Jogging-1);
   * for a video, the file name without its extension.
   */
  name: string;
  /** The folder, or the video file. */
  dir: string;
  /** Absolute paths in natural name order, already cut to the annotated range and start/end; empty for a video. */
  frames: string[];
  /** Frames to track: frames.length, or for a video the length of the start..end range. */
  frameCount: number;
  /** 1-based frame number of the first frame tracked in the folder or video (the start option, or gtFirstFrame). */
  firstFrame: number;
  /** 0-based, one per frame; null where the file says NaN. Null array when there is no file. */
  groundTruth: (Box | null)[] | null;
  /**
   * The same ground truth as written in the file (1-based, VOT's polygons kept): what VOT's overlap
   * is measured against, and what evaluators compare result files with.
   */
  regions: (Region | null)[] | null;
  /** 0-based pixel coordinates. */
  initBox: Box;
  layout: Layout;
  /** The probed file when the sequence is a video (frames stream from ffmpeg), else null. */
  video: VideoInfo | null;
  /** Things the loader adjusted that a user comparing scores should know about. */
  notes: string[];
}

export interface OpenOptions {
  /** 1-based x,y,w,h as typed on the command line; overrides the ground truth's first box. */
  box?: Box;
  /** 1-based inclusive frame numbers (positions in the sorted frame list). */
  start?: number;
  end?: number;
  /** Ground-truth file name (relative to the sequence folder) when a folder has several. */
  gtFile?: string;
  /**
   * The frame number that ground-truth line 1 annotates. OTB's David annotates images
   * 300..770 with 471 lines, so it needs `{ start: 300, gtFirstFrame: 300 }`; default 1.
   */
  gtFirstFrame?: number;
  /** The frame number that the last ground-truth line annotates (UAV123's bird1_2 is frames 775..1477 of bird1/). */
  gtLastFrame?: number;
  /**
   * The ground truth gives the first box only (GOT-10k's test split): every frame is tracked from
   * it, and `groundTruth` is null since nothing can be scored.
   */
  firstBoxOnly?: boolean;
  /** Result-file stem, when the folder name is not it (UAV123's bird1_2 lives in bird1/). */
  name?: string;
}

export interface SequenceEntry {
  name: string;
  dir: string;
  gtFile: string;
}

const IMAGE = /\.(jpe?g|png)$/i;
const OTB_GT = /^groundtruth_rect(?:\.(\d+))?\.txt$/;
const VOT_GT = 'groundtruth.txt';

/** OTB keeps frames in img/, VOT in color/, the legacy VOT toolkit and plain folders at the top. */
export function findFrames(dir: string): string[] | null {
  for (const sub of ['img', 'color', '.']) {
    const d = join(dir, sub);
    if (!isDir(d)) continue;
    const names = readdirSync(d).filter((n) => IMAGE.test(n) && isFile(join(d, n)));
    if (names.length > 0) return names.sort(natural).map((n) => join(d, n));
  }
  return null;
}

/** Ground-truth files in preference order: groundtruth_rect.txt, groundtruth_rect.N.txt, groundtruth.txt. */
function findGroundTruthFiles(dir: string): string[] {
  const names = readdirSync(dir).filter((n) => isFile(join(dir, n)));
  const rank = (n: string) => (n === 'groundtruth_rect.txt' ? 0 : OTB_GT.test(n) ? 1 : n === VOT_GT ? 2 : 3);
  return names.filter((n) => rank(n) < 3).sort((a, b) => rank(a) - rank(b) || natural(a, b));
}

function entryName(dir: string, gtFile: string): string {
  const target = OTB_GT.exec(basename(gtFile))?.[1];
  return target === undefined ? basename(dir) : `${basename(dir)}-${target}`;
}

/**
 * A numbering gap means a frame file is missing. With ground truth that would silently shift
 * every later annotation by one frame, so it is an error; for a bare folder it is only a note.
 */
function checkNumbering(frames: string[], hasGt: boolean, notes: string[]): void {
  const nums = frames.map((f) => /(\d+)\.\w+$/.exec(basename(f))?.[1]);
  if (nums.some((n) => n === undefined)) return;
  for (let i = 1; i < nums.length; i++) {
    if (Number(nums[i]) === Number(nums[i - 1]) + 1) continue;
    const msg = `frame numbering jumps from ${basename(frames[i - 1])} to ${basename(frames[i])}`;
    if (hasGt) throw new SequenceError(`${msg}: a frame file is missing, so ground truth would be misaligned`);
    notes.push(msg);
  }
}

/**
 * Opens an OTB, VOT or plain-frames folder, or a video file (anything ffmpeg reads); see OpenOptions
 * for the frame-range rules.
 */
export function openSequence(dir: string, opts: OpenOptions = {}): Sequence {
  dir = resolve(dir);
  if (isFile(dir)) return openVideo(dir, opts);
  if (!isDir(dir)) throw new SequenceError(`${dir}: no such folder or video file`);
  const notes: string[] = [];
  let frames = findFrames(dir);
  if (!frames) throw new SequenceError(`${dir}: no frames (*.jpg, *.jpeg, *.png) in img/, color/ or the folder itself`);

  const candidates = opts.gtFile !== undefined ? [opts.gtFile] : findGroundTruthFiles(dir);
  const gtFile = candidates.length > 0 ? resolve(dir, candidates[0]) : null;
  if (candidates.length > 1 && opts.gtFile === undefined && OTB_GT.test(candidates[1])) {
    notes.push(`several targets (${candidates.join(', ')}): using ${candidates[0]}; choose with gtFile`);
  }
  const layout: Layout = gtFile === null ? 'frames' : OTB_GT.test(basename(gtFile)) ? 'otb' : 'vot';
  checkNumbering(frames, gtFile !== null, notes);

  let regions: (Region | null)[] | null = null;
  let firstBox: Box | null = null;
  // frame number of ground-truth line 1, and so of the first frame that can be used
  const first = gtFile === null ? 1 : checkFrameNumber(opts.gtFirstFrame ?? 1, 'gtFirstFrame', frames.length);
  if (gtFile !== null && opts.firstBoxOnly) {
    firstBox = fromOneBased(regionBox(readGroundTruth(gtFile, layout, 1, first, [])[0]!));
    notes.push('the ground truth gives the first box only (GOT-10k test split): every frame is tracked, none can be scored');
  } else if (gtFile !== null) {
    const last = opts.gtLastFrame === undefined ? frames.length : checkFrameNumber(opts.gtLastFrame, 'gtLastFrame', frames.length);
    regions = readGroundTruth(gtFile, layout, last - (first - 1), first, notes);
    frames = frames.slice(0, first - 1 + regions.length);
  }

  const [start, end] = frameRange(opts, first, frames.length);
  if (firstBox !== null && start !== first && opts.box === undefined) {
    throw new SequenceError(`${gtFile}: only frame ${first} is annotated, so start ${start} needs an init box`);
  }
  frames = frames.slice(start - 1, end);
  regions = regions?.slice(start - first, end - first + 1) ?? null;
  const gt = regions?.map((r) => (r === null ? null : fromOneBased(regionBox(r)))) ?? null;

  let initBox: Box;
  if (opts.box !== undefined) {
    initBox = boxOption(opts.box);
  } else if (gt === null && firstBox === null) {
    throw new SequenceError(
      `${dir}: no ground-truth file (groundtruth_rect.txt, groundtruth_rect.N.txt or groundtruth.txt); pass an init box x,y,w,h`,
    );
  } else {
    const b = firstBox ?? gt![0];
    if (b === null) throw new SequenceError(`${gtFile}: ground truth for start frame ${start} is NaN; pass an init box`);
    checkBoxSize(b, `ground-truth box for frame ${start} (0-based)`);
    initBox = b;
  }
  const name = opts.name ?? (gtFile === null ? basename(dir) : entryName(dir, gtFile));
  return { name, dir, frames, frameCount: frames.length, firstFrame: start, groundTruth: gt, regions, initBox, layout, video: null, notes };
}

/**
 * A video as a sequence: no ground truth (so the box is required), frames counted from 1 in the
 * file. The box is checked before ffmpeg is run, the range after probing, which counts the frames.
 */
function openVideo(path: string, opts: OpenOptions): Sequence {
  if (opts.box === undefined) throw new SequenceError(`${path}: a video has no ground truth; pass an init box x,y,w,h`);
  const initBox = boxOption(opts.box);
  const video = probeVideo(path);
  const [start, end] = frameRange(opts, 1, video.frameCount);
  return {
    name: basename(path, extname(path)),
    dir: path,
    frames: [],
    frameCount: end - start + 1,
    firstFrame: start,
    groundTruth: null,
    regions: null,
    initBox,
    layout: 'video',
    video,
    notes: [],
  };
}

/** A sequence's frames: its image files decoded, or its video streamed from ffmpeg. */
export function openFrames(seq: Sequence): FrameSource {
  return seq.video ? new VideoFrames(seq.video, seq.firstFrame, seq.firstFrame + seq.frameCount - 1) : new FramePrefetcher(seq.frames);
}

/** How messages name frame `i` (0-based) of a sequence: its file, or the video and the frame's number in it. */
export function frameName(seq: Sequence, i: number): string {
  return seq.video ? `${seq.dir} frame ${seq.firstFrame + i}` : seq.frames[i];
}

/** The 1-based command-line box, checked and made 0-based. */
function boxOption(box: Box): Box {
  checkBoxSize(box, 'init box (1-based)');
  return fromOneBased(box);
}

/** The start and end options checked against frames `first..count`; defaults: all of them. */
function frameRange(opts: OpenOptions, first: number, count: number): [start: number, end: number] {
  const start = checkFrameNumber(opts.start ?? first, 'start', count);
  const end = checkFrameNumber(opts.end ?? count, 'end', count);
  if (start < first) throw new SequenceError(`start ${start} is before frame ${first}, the first annotated frame`);
  if (end < start) throw new SequenceError(`end ${end} is before start ${start}`);
  return [start, end];
}

/**
 * Reads ground truth (as written) for the `available` frames from frame `first` on, cut to
 * whichever of frames and lines runs out first, as OTB's Football1 and Board need.
 */
function readGroundTruth(gtFile: string, layout: Layout, available: number, first: number, notes: string[]): (Region | null)[] {
  if (!isFile(gtFile)) throw new SequenceError(`${gtFile}: ground-truth file not found`);
  const raw = parseRegions(readFileSync(gtFile, 'utf8'), gtFile, layout === 'vot');
  const n = Math.min(available, raw.length);
  if (raw.length !== available) {
    notes.push(
      `${available} frames from frame ${first} but ${raw.length} ground-truth lines in ${basename(gtFile)}: ` +
        `using ${n} frames (${first}..${first + n - 1})`,
    );
  }
  return raw.slice(0, n);
}

function checkFrameNumber(v: number, what: string, count: number): number {
  if (!Number.isInteger(v) || v < 1 || v > count) {
    throw new SequenceError(`${what} = ${v} must be a whole frame number in 1..${count}`);
  }
  return v;
}

/**
 * Immediate subfolders of `root` that hold frames and ground truth, one entry per target
 * (a folder with groundtruth_rect.1.txt and .2.txt gives two), in natural name order.
 */
export function listSequences(root: string): SequenceEntry[] {
  root = resolve(root);
  if (!isDir(root)) throw new SequenceError(`${root}: not a directory`);
  const out: SequenceEntry[] = [];
  for (const name of readdirSync(root).sort(natural)) {
    const dir = join(root, name);
    if (!isDir(dir) || findFrames(dir) === null) continue;
    const gts = findGroundTruthFiles(dir);
    // groundtruth_rect.txt, when present, is the whole story; else every .N file is a target.
    const chosen = gts[0] === 'groundtruth_rect.txt' || gts[0] === VOT_GT ? [gts[0]] : gts.filter((g) => g !== VOT_GT);
    for (const gtFile of chosen) out.push({ name: entryName(dir, gtFile), dir, gtFile });
  }
  return out;
}
