import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Box } from './box.ts';
import { formatBoxLine, joinLines } from './result-lines.ts';

/**
 * Writes through a temporary file in the same folder (so rename cannot cross filesystems),
 * fsyncs, then renames over `path`: readers see the old file or the whole new one, never a
 * prefix. The temporary file is removed if anything fails.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const fh = await open(tmp, 'wx');
  try {
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

/**
 * Collects one box and one time per frame and writes `<name>.txt` (x,y,w,h per line, comma
 * separated, 1-based like the input, line 1 = the init box) and `<name>_time.txt` (seconds
 * per frame, %.8f, got10k's layout). Nothing touches the disk before finish(), so an
 * interrupted run leaves no partial result that a later `skip existing` would trust.
 */
export class ResultWriter {
  private readonly boxes: string[] = [];
  private readonly times: string[] = [];

  constructor(
    readonly outDir: string,
    readonly name: string,
  ) {}

  /** `box` is 0-based (tracker coordinates); frame 1 is the init box. */
  add(box: Box, seconds: number): void {
    this.boxes.push(formatBoxLine(box));
    this.times.push(seconds.toFixed(8));
  }

  get count(): number {
    return this.boxes.length;
  }

  get boxPath(): string {
    return join(this.outDir, `${this.name}.txt`);
  }

  get timePath(): string {
    return join(this.outDir, `${this.name}_time.txt`);
  }

  async finish(): Promise<{ boxPath: string; timePath: string }> {
    await mkdir(this.outDir, { recursive: true });
    await writeFileAtomic(this.timePath, joinLines(this.times));
    // Boxes last: their file's presence is what marks a sequence as done.
    await writeFileAtomic(this.boxPath, joinLines(this.boxes));
    return { boxPath: this.boxPath, timePath: this.timePath };
  }
}
