import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { requireFfmpeg } from '../../src/io/ffmpeg.ts';
import type { Frame } from '../../src/io/frame.ts';

/** Runs the ffmpeg the product would use; a failure throws with ffmpeg's message. */
export function ffmpeg(args: string[], input?: Uint8Array): void {
  const r = spawnSync(requireFfmpeg('test video'), ['-v', 'error', '-nostdin', '-y', ...args], { input, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
}

/** Encodes RGB frames at `fps` with the codec arguments given (e.g. lossless: ['-c:v', 'ffv1']). */
export function encodeVideo(path: string, frames: Frame[], codec: string[], fps = 25): void {
  const { width, height } = frames[0];
  const raw = ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', '-'];
  ffmpeg([...raw, ...codec, path], Buffer.concat(frames.map((f) => f.data)));
}

/**
 * A video whose container reads cleanly but whose later frames fail to decode: FFV1 with slice
 * checksums, with bytes flipped 60% into the file.
 */
export function encodeDamagedVideo(path: string, frames: Frame[]): void {
  encodeVideo(path, frames, ['-c:v', 'ffv1', '-level', '3', '-slicecrc', '1']);
  const bytes = readFileSync(path);
  const at = Math.floor(bytes.length * 0.6);
  for (let i = at; i < at + 64; i++) bytes[i] ^= 0x55;
  writeFileSync(path, bytes);
}

/** ffmpeg's synthetic test pattern: `frames` frames of `size` (e.g. '320x240'), any codec. */
export function testPattern(path: string, frames: number, size: string, codec: string[] = ['-c:v', 'ffv1']): void {
  ffmpeg(['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25`, '-frames:v', String(frames), ...codec, path]);
}
