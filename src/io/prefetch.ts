import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DecodeReply } from './decode-worker.ts';
import { FrameError } from './errors.ts';
import { type Frame, loadFrame } from './frame.ts';

export interface PrefetchOptions {
  /** Decode in a worker thread (default true); false decodes on the caller's thread on demand. */
  worker?: boolean;
  /** Frames requested ahead of the one being consumed (default 2). */
  depth?: number;
}

/**
 * Hands out decoded frames in order. With the worker, frames i+1..i+depth are read and
 * decoded on another thread while the caller works on frame i, so decode time stays out
 * of the tracking loop. Call close() when done, or the worker keeps the process alive.
 */
export class FramePrefetcher {
  private readonly pending = new Map<number, Promise<Frame>>();
  private readonly waiters = new Map<number, { resolve: (f: Frame) => void; reject: (e: Error) => void }>();
  private readonly worker: Worker | null;
  private readonly depth: number;
  private nextIndex = 0;
  private closed = false;
  private failure: Error | null = null;

  constructor(
    private readonly paths: readonly string[],
    opts: PrefetchOptions = {},
  ) {
    this.depth = Math.max(1, opts.depth ?? 2);
    this.worker = opts.worker === false ? null : spawnWorker();
    this.worker?.on('message', (m: DecodeReply) => this.settle(m));
    this.worker?.on('error', (e) => {
      this.failure = e; // a dead worker answers nothing more: fail now rather than hang
      this.failAll(e);
    });
    this.worker?.unref(); // an abandoned prefetcher must not keep the process alive
  }

  get remaining(): number {
    return this.paths.length - this.nextIndex;
  }

  next(): Promise<Frame> {
    if (this.closed) return Promise.reject(new Error('FramePrefetcher: next() after close()'));
    if (this.failure) return Promise.reject(this.failure);
    const i = this.nextIndex;
    if (i >= this.paths.length) return Promise.reject(new RangeError(`FramePrefetcher: all ${i} frames consumed`));
    this.nextIndex++;
    const last = Math.min(i + this.depth, this.paths.length - 1);
    if (this.worker !== null) for (let j = Math.max(i, 1); j <= last; j++) this.request(j);
    // Frame 0 is decoded here while the worker boots (a few hundred ms under tsx); the
    // tracker's long first-frame initialisation then hides the worker's look-ahead.
    if (this.worker === null || i === 0) return loadFrame(this.paths[i]);
    const p = this.pending.get(i)!;
    this.pending.delete(i);
    return p;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('FramePrefetcher closed'));
    await this.worker?.terminate();
  }

  private request(i: number): void {
    if (this.pending.has(i)) return;
    const p = new Promise<Frame>((resolve, reject) => this.waiters.set(i, { resolve, reject }));
    p.catch(() => {}); // a failed look-ahead is reported when that frame is asked for, not before
    this.pending.set(i, p);
    this.worker!.ref();
    this.worker!.postMessage({ id: i, path: this.paths[i] });
  }

  private settle(m: DecodeReply): void {
    const w = this.waiters.get(m.id);
    if (!w) return;
    this.waiters.delete(m.id);
    if (this.waiters.size === 0) this.worker?.unref();
    if ('error' in m) {
      const e = m.error;
      w.reject('file' in e ? new FrameError(e.file, e.reason) : new Error(e.message));
    } else {
      w.resolve({ width: m.width, height: m.height, data: m.data });
    }
  }

  private failAll(e: Error): void {
    for (const w of this.waiters.values()) w.reject(e);
    this.waiters.clear();
  }
}

// Node 20 does not give worker threads the main thread's tsx loader, so under tsx the worker
// registers tsx's CommonJS hook itself and requires the .ts file; compiled, the sibling .js
// file loads directly.
function spawnWorker(): Worker {
  const file = fileURLToPath(new URL(`./decode-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
  if (!file.endsWith('.ts')) return new Worker(file);
  const api = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const boot = `require(${JSON.stringify(api)}).register(); require(${JSON.stringify(file)});`;
  return new Worker(boot, { eval: true });
}
