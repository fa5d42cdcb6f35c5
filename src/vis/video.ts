import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { extname } from 'node:path';
import { once } from 'node:events';
import { ffmpegMessages, requireFfmpeg } from '../io/ffmpeg.ts';
import { GifEncoder } from './gif.ts';
import { downscale, type Canvas } from './raster.ts';

export interface VideoOptions {
  /** Frames per second (default 10); GIF delays are rounded to 1/100 s. */
  fps?: number;
  /** Integer box-filter downscale applied to every frame (keeps GIFs small). Default 1. */
  downscale?: number;
  /** GIF loop count, 0 = forever (default). */
  loop?: number;
}

export interface VideoWriter {
  readonly path: string;
  /** All frames must have the size of the first. */
  write(frame: Canvas): Promise<void>;
  close(): Promise<void>;
}

/**
 * `.gif` is written by our own encoder (no dependencies). `.mp4` pipes raw RGB frames to ffmpeg (TADT_FFMPEG or
 * PATH, see io/ffmpeg.ts); it is looked up here, before any tracking work, so a missing ffmpeg fails fast.
 */
export function openVideo(path: string, opts: VideoOptions = {}): VideoWriter {
  const ext = extname(path).toLowerCase();
  const factor = opts.downscale ?? 1;
  const prepare = (f: Canvas) => downscale(f, factor);
  if (ext === '.gif') return gifWriter(path, opts, prepare);
  if (ext === '.mp4') {
    const ffmpeg = requireFfmpeg(`cannot write ${path} (a .gif needs no external tool)`);
    return mp4Writer(path, ffmpeg, opts, prepare);
  }
  throw new Error(`cannot write ${path}: unsupported video extension "${ext}" (use .gif or .mp4)`);
}

/** Writes all frames and closes; frames may come from a generator so they need not all be in memory. */
export async function writeVideo(path: string, frames: Iterable<Canvas> | AsyncIterable<Canvas>, opts: VideoOptions = {}): Promise<void> {
  const w = openVideo(path, opts);
  try {
    for await (const f of frames) await w.write(f);
  } finally {
    await w.close();
  }
}

function gifWriter(path: string, opts: VideoOptions, prepare: (f: Canvas) => Canvas): VideoWriter {
  const fd = openSync(path, 'w');
  let enc: GifEncoder | null = null;
  let closed = false;
  const delayMs = 1000 / (opts.fps ?? 10);
  return {
    path,
    async write(frame) {
      const f = prepare(frame);
      enc ??= new GifEncoder(f.width, f.height, { loop: opts.loop, write: (chunk) => writeSync(fd, chunk) });
      enc.addFrame(f, delayMs);
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        enc?.finish();
      } finally {
        closeSync(fd);
      }
    },
  };
}

function mp4Writer(path: string, ffmpeg: string, opts: VideoOptions, prepare: (f: Canvas) => Canvas): VideoWriter {
  let proc: ChildProcess | null = null;
  let size = '';
  let stderr = '';
  let failure: Error | null = null;
  const start = (w: number, h: number): ChildProcess => {
    size = `${w}x${h}`;
    const args = ['-y', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', size, '-r', String(opts.fps ?? 10), '-i', '-',
      // yuv420p needs even sizes.
      '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', '-pix_fmt', 'yuv420p', path];
    const p = spawn(ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    p.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
    p.on('error', (e) => { failure = new Error(`ffmpeg (${ffmpeg}) failed to start: ${e.message}`); });
    p.stdin!.on('error', (e) => { failure ??= new Error(`writing to ffmpeg failed: ${e.message}; ${stderr}`); });
    return p;
  };
  return {
    path,
    async write(frame) {
      const f = prepare(frame);
      proc ??= start(f.width, f.height);
      if (`${f.width}x${f.height}` !== size) throw new Error(`video frame is ${f.width}x${f.height}, expected ${size}`);
      if (failure) throw failure;
      if (!proc.stdin!.write(f.data)) await Promise.race([once(proc.stdin!, 'drain'), once(proc, 'close')]);
      if (failure) throw failure;
    },
    async close() {
      if (proc === null) throw new Error(`cannot write ${path}: no frames`);
      const p = proc;
      const exited = p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : once(p, 'close');
      p.stdin!.end();
      await exited;
      if (failure) throw failure;
      if (p.exitCode !== 0) throw new Error(`ffmpeg exited with ${p.exitCode ?? p.signalCode} writing ${path}: ${ffmpegMessages(stderr)}`);
    },
  };
}
