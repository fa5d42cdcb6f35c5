import { spawn, type ChildProcess } from 'node:child_process';
import { FrameError } from './errors.ts';
import { ffmpegMessages } from './ffmpeg.ts';
import type { Frame } from './frame.ts';
import { type FrameSource, remainingFrames } from './frame-source.ts';
import { RawFrameReader } from './raw-frames.ts';
import type { VideoInfo } from './video-probe.ts';

/**
 * Frames `start..end` (1-based, inclusive, as counted by probeVideo) of a video, decoded by an ffmpeg
 * child process to raw RGB on a pipe, one frame at a time (RawFrameReader: memory stays flat, no
 * frame files are written). The range is cut by counting frames, never by seeking to a time: ffmpeg's
 * select filter drops the decoded frames before `start` and `-frames:v` stops it after `end`. Frames
 * before `start` are still decoded (a few milliseconds each, against ~0.6 s to track one), which is
 * what makes frame N the same frame whatever the range. `-fps_mode passthrough` hands over each
 * decoded frame once: by default ffmpeg would duplicate or drop frames of a variable-rate video to
 * fit a constant rate.
 *
 * Any decoding error is an error, as for JPEG frames: a frame the decoder had to patch up is not the
 * frame the user has, and results on it would look like the tracker's fault.
 */
export class VideoFrames implements FrameSource {
  readonly length: number;
  private readonly proc: ChildProcess;
  private readonly reader: RawFrameReader;
  private readonly exited: Promise<void>;
  private stderr = '';
  private startError: Error | null = null;
  private delivered = 0;
  private closed = false;

  constructor(
    readonly video: VideoInfo,
    readonly start = 1,
    readonly end = video.frameCount,
  ) {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 1 || end < start || end > video.frameCount) {
      throw new RangeError(`VideoFrames: frames ${start}..${end} are not within 1..${video.frameCount}`);
    }
    this.length = end - start + 1;
    const range = start > 1 ? ['-vf', `select=gte(n\\,${start - 1})`] : [];
    const args = ['-nostdin', '-hide_banner', '-v', 'error', '-i', video.path, '-map', '0:V:0', '-fps_mode', 'passthrough',
      ...range, '-frames:v', String(this.length), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'];
    this.proc = spawn(video.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-8000)));
    this.exited = new Promise((resolve) => {
      this.proc.once('close', () => resolve());
      this.proc.once('error', (e) => {
        this.startError = e;
        resolve();
      });
    });
    this.reader = new RawFrameReader(this.proc.stdout!, video.width * video.height * 3);
  }

  get remaining(): number {
    return this.length - this.delivered;
  }

  /** The next frame; a FrameError naming the file and frame number when ffmpeg cannot deliver it. */
  async next(): Promise<Frame> {
    if (this.closed) throw new Error('VideoFrames: next() after close()');
    if (this.remaining === 0) throw new RangeError(`VideoFrames: all ${this.length} frames consumed`);
    let data: Uint8Array | null;
    try {
      data = await this.reader.read();
    } catch (e) {
      throw await this.failure((e as Error).message);
    }
    if (data === null) throw await this.failure(`ffmpeg stopped after ${this.delivered} of ${this.length} frames`);
    // The last frame is handed out once ffmpeg has exited, so that an error it reports at the very end is not missed.
    if (this.delivered + 1 === this.length) await this.exited;
    const state = this.ended();
    if (this.stderr.trim() !== '' || (state !== 'running' && state !== 'ok')) throw await this.failure('decoding failed');
    this.delivered++;
    return { width: this.video.width, height: this.video.height, data };
  }

  /** Every remaining frame in order; stops ffmpeg when the loop ends, breaks or throws. */
  [Symbol.asyncIterator](): AsyncGenerator<Frame> {
    return remainingFrames(this);
  }

  /** Stops ffmpeg if it is still decoding and waits for it to be gone. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.ended() === 'running') this.proc.kill('SIGKILL');
    // Frames nobody will read: a paused pipe with data in it would hold back the 'close' event.
    this.proc.stdout!.destroy();
    await this.exited;
  }

  /** How ffmpeg is doing: 'running', 'ok' (exited 0), or why it ended otherwise. */
  private ended(): string {
    if (this.startError) return `ffmpeg (${this.video.ffmpeg}) failed to start: ${this.startError.message}`;
    if (this.proc.exitCode === 0) return 'ok';
    if (this.proc.exitCode !== null) return `ffmpeg exited with ${this.proc.exitCode}`;
    if (this.proc.signalCode !== null) return `ffmpeg was killed by ${this.proc.signalCode}`;
    return 'running';
  }

  /** The error for frame `delivered + 1`, with ffmpeg's own words, once ffmpeg is gone. */
  private async failure(why: string): Promise<FrameError> {
    const state = this.ended();
    await this.close();
    const status = state === 'running' || state === 'ok' ? '' : `; ${state}`;
    const said = this.stderr.trim() === '' ? '' : `: ${ffmpegMessages(this.stderr, this.video.path)}`;
    return new FrameError(this.video.path, `frame ${this.start + this.delivered}: ${why}${status}${said}`);
  }
}
