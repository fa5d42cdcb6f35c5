import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { SequenceError } from './errors.ts';
import { ffmpegMessages, requireFfmpeg, siblingFfprobe } from './ffmpeg.ts';

/** What a video file holds, as far as tracking it needs. */
export interface VideoInfo {
  /** Absolute path of the file. */
  path: string;
  /** ffmpeg binary that probed it and will decode it. */
  ffmpeg: string;
  codec: string;
  /** Frame size as decoded: a rotation stored in the metadata (phones) is applied, as ffmpeg does when decoding. */
  width: number;
  height: number;
  /** Average frames per second as the container states it; null when it states none. */
  fps: number | null;
  /** Frames in the file, counted by reading every packet: headers may lack the count (Matroska) or be wrong. */
  frameCount: number;
}

// The first video stream that is not a cover picture (`V`, not `v`): the one the decoder maps.
const STREAM = '0:V:0';

/**
 * Probes `path` with ffprobe when it sits beside ffmpeg, else with ffmpeg itself. Reading every packet
 * (no decoding) costs a pass over the file, but gives the exact count and finds a truncated file before
 * any tracking work: a cut file is an error, not a shorter sequence, because results for a silently
 * shortened video look like a tracker that stopped early.
 */
export function probeVideo(path: string): VideoInfo {
  path = resolve(path);
  const ffmpeg = requireFfmpeg(`cannot read ${path}`);
  const ffprobe = siblingFfprobe(ffmpeg);
  const info = ffprobe !== null ? probeWithFfprobe(path, ffprobe) : probeWithFfmpeg(path, ffmpeg);
  if (info.frameCount === 0) throw new SequenceError(`${path}: the video has no frames`);
  return { path, ffmpeg, ...info };
}

type Probed = Omit<VideoInfo, 'path' | 'ffmpeg'>;

function run(tool: string, args: string[], path: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(tool, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new SequenceError(`cannot read ${path}: ${tool} failed: ${r.error.message}`);
  return r;
}

const notReadable = (path: string, log: string) => new SequenceError(`${path}: not a video ffmpeg can read: ${ffmpegMessages(log, path)}`);
const noVideo = (path: string) => new SequenceError(`${path}: no video stream in the file`);
const truncated = (path: string, why: string) => new SequenceError(`${path}: truncated or corrupt video: ${why}`);
const readable = (n: number | string | undefined) => `${n ?? 0} frame${Number(n) === 1 ? '' : 's'} readable`;

/** "30000/1001" -> 29.97; "0/0" (unknown) -> null. */
function rate(text: string | undefined): number | null {
  const [n, d] = (text ?? '').split('/').map(Number);
  return n > 0 && d > 0 ? n / d : null;
}

/** Width and height as decoded: a quarter-turn rotation swaps them. */
function oriented(width: number, height: number, rotation: number): { width: number; height: number } {
  return Math.abs(Math.round(rotation / 90)) % 2 === 1 ? { width: height, height: width } : { width, height };
}

interface FfprobeStream {
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  nb_read_packets?: string;
  side_data_list?: { rotation?: number }[];
  tags?: { rotate?: string };
}

function probeWithFfprobe(path: string, ffprobe: string): Probed {
  const args = ['-v', 'error', '-select_streams', STREAM.slice(2), '-count_packets', '-show_streams', '-of', 'json', path];
  const r = run(ffprobe, args, path);
  if (r.status !== 0) throw notReadable(path, r.stderr);
  const stream = (JSON.parse(r.stdout) as { streams?: FfprobeStream[] }).streams?.[0];
  if (stream === undefined) throw noVideo(path);
  // ffprobe only reports, at error level, a demuxer that met the end of the file mid-packet.
  if (r.stderr.trim() !== '') throw truncated(path, `${ffmpegMessages(r.stderr, path)} (${readable(stream.nb_read_packets)})`);
  const frameCount = Number(stream.nb_read_packets ?? 0) || 0;
  // AVI and MP4 list their frames in the header; a cut AVI reads cleanly up to the cut.
  const listed = Number(stream.nb_frames);
  if (listed > frameCount) throw truncated(path, `the header lists ${listed} frames but only ${frameCount} can be read`);
  const rotation = stream.side_data_list?.find((s) => s.rotation !== undefined)?.rotation ?? Number(stream.tags?.rotate ?? 0);
  return {
    codec: stream.codec_name ?? 'unknown',
    ...oriented(stream.width ?? 0, stream.height ?? 0, rotation),
    fps: rate(stream.avg_frame_rate) ?? rate(stream.r_frame_rate),
    frameCount,
  };
}

/**
 * Without ffprobe: copy the stream's packets to nowhere and read ffmpeg's log, where `level` tags each
 * line so that errors are told apart from the stream description. The header's frame count is not in
 * that log, so a cut AVI is found only if its last packet is cut mid-way.
 */
function probeWithFfmpeg(path: string, ffmpeg: string): Probed {
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+info', '-i', path, '-map', STREAM, '-c', 'copy', '-f', 'null', '-progress', 'pipe:1', '-'];
  const r = run(ffmpeg, args, path);
  const errors = r.stderr.split('\n').filter((l) => /\[(error|fatal)\] /.test(l)).join('\n');
  if (/Stream map '[^']*' matches no streams/.test(errors)) throw noVideo(path);
  const input = r.stderr.split(/^\[info\] Output #0/m)[0];
  const streams = input.split(/^(?=\[info\]\s+Stream #)/m).filter((s) => /^\[info\]\s+Stream #0:\d+.*: Video: /.test(s) && !s.includes('(attached pic)'));
  if (r.status !== 0 || streams.length === 0) throw notReadable(path, errors || r.stderr);
  const frames = [...r.stdout.matchAll(/^frame=(\d+)$/gm)].at(-1)?.[1];
  if (errors !== '') throw truncated(path, `${ffmpegMessages(errors, path)} (${readable(frames)})`);
  const line = streams[0].split('\n')[0];
  const size = /, (\d+)x(\d+)\b/.exec(line);
  if (size === null) throw notReadable(path, line);
  const fps = /, ([\d.]+)(k?) (?:fps|tbr)\b/.exec(line);
  return {
    codec: /: Video: (\w+)/.exec(line)?.[1] ?? 'unknown',
    ...oriented(Number(size[1]), Number(size[2]), Number(/displaymatrix: rotation of (-?[\d.]+) degrees/.exec(streams[0])?.[1] ?? 0)),
    fps: fps === null ? null : Number(fps[1]) * (fps[2] === 'k' ? 1000 : 1),
    frameCount: Number(frames ?? 0),
  };
}
