import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SequenceError } from '../errors.ts';
import { isDir, isFile, natural } from '../fs.ts';
import { type DatasetEntry, readFrameNumbers, readNameList } from './common.ts';

/**
 * LaSOT (pytracking `lasotdataset.py`): `<root>/<class>/<class>-<n>/img/00000001.jpg..` with
 * `groundtruth.txt` (x,y,w,h, comma), `full_occlusion.txt` and `out_of_view.txt` (one line of
 * comma-separated 0/1 per frame). The test-set download puts `<class>-<n>` folders directly in the
 * root; both are read. A `testing_set.txt` in the root (LaSOT's list of its 280 test sequences)
 * restricts the listing to those; otherwise every sequence found is listed.
 */

const SEQUENCE = /^(.+)-(\d+)$/;

const isSequence = (dir: string) => isDir(join(dir, 'img')) && isFile(join(dir, 'full_occlusion.txt'));

/** `airplane-1` lives in `<root>/airplane/airplane-1` or `<root>/airplane-1`. */
function folderOf(root: string, name: string): string {
  const nested = join(root, SEQUENCE.exec(name)?.[1] ?? '', name);
  return isDir(nested) ? nested : join(root, name);
}

/** Sequence folders one or two levels down, named `<class>-<n>`, in natural order. */
function findSequences(root: string): string[] {
  const names: string[] = [];
  for (const top of readdirSync(root)) {
    const dir = join(root, top);
    if (!isDir(dir)) continue;
    if (SEQUENCE.test(top) && isSequence(dir)) names.push(top);
    else names.push(...readdirSync(dir).filter((n) => SEQUENCE.test(n) && isSequence(join(dir, n))));
  }
  return names.sort(natural);
}

/** Whether `root` holds LaSOT sequences (one or two levels down). */
export const looksLikeLasot = (root: string): boolean => findSequences(root).length > 0;

export function listLasot(root: string): DatasetEntry[] {
  const list = join(root, 'testing_set.txt');
  const names = isFile(list) ? readNameList(list, (name) => folderOf(root, name)) : findSequences(root);
  if (names.length === 0) throw new SequenceError(`${root}: no LaSOT sequences (<class>-<n>/img with full_occlusion.txt)`);
  return names.map((name) => {
    const dir = folderOf(root, name);
    return { name, dir, open: { gtFile: join(dir, 'groundtruth.txt') } };
  });
}

/** Per frame, pytracking's `target_visible = !full_occlusion && !out_of_view`, for the first `frames` frames. */
export function readLasotVisibility(dir: string, frames: number): boolean[] {
  const files = ['full_occlusion.txt', 'out_of_view.txt'].map((f) => join(dir, f));
  const [occ, oov] = files.map(readFrameNumbers);
  files.forEach((f, k) => {
    const n = [occ, oov][k].length;
    if (n < frames) throw new SequenceError(`${f}: ${n} values for ${frames} annotated frames`);
  });
  return Array.from({ length: frames }, (_, i) => occ[i] === 0 && oov[i] === 0);
}
