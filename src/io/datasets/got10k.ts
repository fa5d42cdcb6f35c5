import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SequenceError } from '../errors.ts';
import { isFile } from '../fs.ts';
import { findFrames } from '../sequence.ts';
import { countLines, type DatasetEntry, readFrameNumbers, readNameList } from './common.ts';

/**
 * GOT-10k (got10k toolkit `datasets/got10k.py`): a split folder holds `list.txt` and one folder a
 * sequence, `GOT-10k_Val_000001/00000001.jpg..` with `groundtruth.txt` (x,y,w,h, comma); val and
 * train add `meta_info.ini`, `cover.label`, `absence.label`, `cut_by_image.label`. The test split's
 * groundtruth.txt has the first box only: those sequences are tracked from it and cannot be scored
 * here (the GOT-10k server holds the answers).
 */

const SPLITS = ['train', 'val', 'test'] as const;

/** The split folders under a GOT-10k root (given instead of a split). */
export const got10kSplitsUnder = (root: string): string[] => SPLITS.filter((s) => isFile(join(root, s, 'list.txt')));

/** A GOT-10k split folder (one with list.txt); the dataset root with train/, val/, test/ is refused with a hint. */
export function listGot10k(root: string): DatasetEntry[] {
  const list = join(root, 'list.txt');
  if (!isFile(list)) {
    const splits = got10kSplitsUnder(root);
    const hint = splits.length > 0 ? `: give one split, e.g. ${join(root, splits[0])}` : '';
    throw new SequenceError(`${root}: no list.txt, so not a GOT-10k split folder${hint}`);
  }
  return readNameList(list).map((name) => {
    const dir = join(root, name);
    const gtFile = join(dir, 'groundtruth.txt');
    const frames = findFrames(dir)?.length ?? 0;
    return { name, dir, open: { gtFile, firstBoxOnly: frames > 1 && countLines(gtFile) === 1 } };
  });
}

/** Whether a folder looks like a GOT-10k sequence: its name, or the labels only GOT-10k has. */
export const isGot10kSequence = (dir: string, name: string): boolean =>
  /^GOT-10k_/i.test(name) || isFile(join(dir, 'meta_info.ini')) || isFile(join(dir, 'cover.label'));

export interface Got10kLabels {
  /**
   * Per frame: whether the frame counts. got10k's report scores frames with `cover > 0` (the
   * visible fraction, 0..8); without cover.label, absence.label (1 = absent) decides.
   */
  visible: boolean[];
  /** Image width and height from meta_info.ini's `resolution: (w, h)`: the bound IoUs are clipped to. */
  resolution: [number, number];
}

/** The labels AO and SR need (val split), for the first `frames` frames; a missing or short file is an error naming it. */
export function readGot10kLabels(dir: string, frames: number): Got10kLabels {
  const cover = join(dir, 'cover.label');
  const absence = join(dir, 'absence.label');
  const file = isFile(cover) ? cover : isFile(absence) ? absence : null;
  if (file === null) throw new SequenceError(`${dir}: neither cover.label nor absence.label, which GOT-10k scoring needs (val split)`);
  const values = readFrameNumbers(file);
  if (values.length < frames) throw new SequenceError(`${file}: ${values.length} labels for ${frames} annotated frames`);
  const visible = values.slice(0, frames).map((v) => (file === cover ? v > 0 : v === 0));
  const meta = join(dir, 'meta_info.ini');
  if (!isFile(meta)) throw new SequenceError(`${meta}: file not found (it gives the image resolution GOT-10k clips boxes to)`);
  const m = /^\s*resolution:\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)/m.exec(readFileSync(meta, 'utf8'));
  if (!m) throw new SequenceError(`${meta}: no "resolution: (width, height)" line`);
  return { visible, resolution: [Number(m[1]), Number(m[2])] };
}
