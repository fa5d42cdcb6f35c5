// The coordinator's one progress line: sequences and frames done over the whole run, and each
// worker's speed. On a terminal it is redrawn in place; in a log it is printed per finished sequence.
import type { TrackProgress } from './job.ts';

export class QueueProgress {
  private sequencesDone = 0;
  private framesDone = 0;
  /** Frames done so far in sequences still being tracked. */
  private readonly running = new Map<string, TrackProgress>();
  /** Each worker's FPS in its latest report that had one. */
  private readonly speed = new Map<string, number>();
  private shown = false;
  private last = 0;

  constructor(
    private readonly sequences: number,
    private readonly frames: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(sequence: string, p: TrackProgress): void {
    this.running.set(sequence, p);
    // On a sequence's first frame there is no speed yet: keep the worker's last one.
    if (p.fps > 0 || !this.speed.has(p.worker)) this.speed.set(p.worker, p.fps);
    this.draw(false);
  }

  /** A sequence's worker is gone: its frames no longer count, nor its speed. */
  requeued(sequence: string): void {
    const p = this.running.get(sequence);
    if (p) this.speed.delete(p.worker);
    this.running.delete(sequence);
    this.draw(true);
  }

  /** Finished (written or failed): its frames count as done. */
  finished(sequence: string, frames: number, worker?: string, fps?: number): void {
    this.running.delete(sequence);
    this.sequencesDone++;
    this.framesDone += frames;
    if (worker !== undefined && fps !== undefined) this.speed.set(worker, fps);
    this.draw(true);
    if (!this.stream.isTTY) this.stream.write(`${this.line()}\n`);
  }

  /** Writes a line of its own (stdout or stderr) without tearing the progress line. */
  print(write: () => void): void {
    this.clear();
    write();
    this.draw(true);
  }

  /** Leaves the last state on screen, ending its line. */
  done(): void {
    if (this.shown) this.stream.write('\n');
    this.shown = false;
  }

  private clear(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }

  line(): string {
    let frames = this.framesDone;
    for (const p of this.running.values()) frames += p.frames;
    const width = 24;
    const filled = this.frames > 0 ? Math.round((Math.min(frames, this.frames) / this.frames) * width) : 0;
    // A worker still on its first frame has no speed yet.
    const workers = [...this.speed].sort(([a], [b]) => a.localeCompare(b)).map(([w, fps]) => `${w} ${fps > 0 ? fps.toFixed(2) : '-'}`);
    return (
      `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.sequencesDone}/${this.sequences} sequences, ` +
      `${frames}/${this.frames} frames` + (workers.length > 0 ? ` | FPS ${workers.join(', ')}` : '')
    );
  }

  /** Redraws at most 5 times a second on a terminal, unless `now`. */
  private draw(now: boolean): void {
    if (!this.stream.isTTY) return;
    const t = performance.now();
    if (!now && t - this.last < 200) return;
    this.last = t;
    this.stream.write(`\r\x1b[K${this.line()}`);
    this.shown = true;
  }
}
