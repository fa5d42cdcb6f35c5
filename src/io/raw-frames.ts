import type { Readable } from 'node:stream';

/**
 * Cuts a byte stream of back-to-back frames of `frameBytes` each (ffmpeg's rawvideo output) into
 * frames, keeping at most one finished frame that nobody has asked for yet: the stream is paused
 * while one waits, so the producer blocks on a full pipe and memory stays flat however long the
 * stream is. Resuming as soon as that frame is taken lets the next one be decoded while the caller
 * works on the current one. Held at any moment: the waiting frame, the one being filled, and what
 * one chunk (64 KiB from a pipe) adds beyond them.
 */
export class RawFrameReader {
  private readonly ready: Uint8Array[] = [];
  private filling: Uint8Array;
  private filled = 0;
  private ended = false;
  private failure: Error | null = null;
  private waiting: { resolve: (f: Uint8Array | null) => void; reject: (e: Error) => void } | null = null;

  constructor(
    private readonly stream: Readable,
    readonly frameBytes: number,
  ) {
    this.filling = new Uint8Array(frameBytes);
    stream.on('data', (chunk: Buffer) => this.take(chunk));
    stream.on('end', () => {
      this.ended = true;
      this.settle();
    });
    stream.on('error', (e: Error) => {
      this.failure ??= e;
      this.settle();
    });
  }

  /** The next frame (the reader's own copy, free to keep), or null when the stream ended cleanly. */
  read(): Promise<Uint8Array | null> {
    if (this.waiting) return Promise.reject(new Error('RawFrameReader: read() while a read is pending'));
    const p = new Promise<Uint8Array | null>((resolve, reject) => (this.waiting = { resolve, reject }));
    this.settle();
    if (this.ready.length === 0) this.stream.resume();
    return p;
  }

  private take(chunk: Buffer): void {
    for (let at = 0; at < chunk.length; ) {
      const n = Math.min(chunk.length - at, this.frameBytes - this.filled);
      this.filling.set(chunk.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === this.frameBytes) {
        this.ready.push(this.filling);
        this.filling = new Uint8Array(this.frameBytes);
        this.filled = 0;
      }
    }
    this.settle();
    if (this.ready.length > 0) this.stream.pause();
  }

  /** Answers a pending read when there is a frame, an error or the end to answer it with. */
  private settle(): void {
    const w = this.waiting;
    if (w === null) return;
    if (this.ready.length > 0) {
      this.waiting = null;
      w.resolve(this.ready.shift()!);
    } else if (this.failure) {
      this.waiting = null;
      w.reject(this.failure);
    } else if (this.ended) {
      this.waiting = null;
      if (this.filled === 0) w.resolve(null);
      else w.reject(new Error(`the stream ended ${this.filled} bytes into a frame of ${this.frameBytes}`));
    }
  }
}
