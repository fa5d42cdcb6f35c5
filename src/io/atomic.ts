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
 * Where a sequence's results go. `otb`: `<out>/<name>.txt` and `<name>_time.txt` (got10k's OTB
 * experiment, pysot). `got10k`: `<out>/<name>/<name>_001.txt` and `<name>_time.txt` beside it
 * (got10k's GOT-10k experiment, and what its server takes; 001 is the one run of a deterministic
 * tracker).
 */
export type ResultLayout = 'otb' | 'got10k';

export function resultPaths(outDir: string, name: string, layout: ResultLayout = 'otb'): { boxPath: string; timePath: string } {
  const dir = layout === 'got10k' ? join(outDir, name) : outDir;
  return { boxPath: join(dir, `${name}${layout === 'got10k' ? '_001' : ''}.txt`), timePath: join(dir, `${name}_time.txt`) };
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
    readonly layout: ResultLayout = 'otb',
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
    return resultPaths(this.outDir, this.name, this.layout).boxPath;
  }

  get timePath(): string {
    return resultPaths(this.outDir, this.name, this.layout).timePath;
  }

  async finish(): Promise<{ boxPath: string; timePath: string }> {
    await mkdir(dirname(this.boxPath), { recursive: true });
    await writeFileAtomic(this.timePath, joinLines(this.times));
    // Boxes last: their file's presence is what marks a sequence as done.
    await writeFileAtomic(this.boxPath, joinLines(this.boxes));
    return { boxPath: this.boxPath, timePath: this.timePath };
  }
}
