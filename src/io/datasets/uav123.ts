import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SequenceError } from '../errors.ts';
import { isDir, isFile, natural } from '../fs.ts';
import type { DatasetEntry } from './common.ts';
import { UAV123_SUBRANGES } from './uav123-ranges.ts';

/**
 * UAV123 as distributed: `<root>/data_seq/UAV123/<folder>/000001.jpg..` (6 digits) and
 * `<root>/anno/UAV123/<seq>.txt` (x,y,w,h, comma; `NaN,NaN,NaN,NaN` where the target is out of
 * view). One annotation file is one sequence; most use the folder of the same name, and the split
 * ones (bird1_1..bird1_3, car1_1.., see uav123-ranges.ts) a frame range of a shared folder.
 * UAV20L (anno/UAV20L) is not listed.
 */

const frameDir = (root: string) => join(root, 'data_seq', 'UAV123');
const annoDir = (root: string) => join(root, 'anno', 'UAV123');

export const looksLikeUav123 = (root: string): boolean => isDir(frameDir(root)) && isDir(annoDir(root));

export function listUav123(root: string): DatasetEntry[] {
  const anno = annoDir(root);
  const files = readdirSync(anno)
    .filter((f) => f.endsWith('.txt') && isFile(join(anno, f)))
    .sort(natural);
  if (files.length === 0) throw new SequenceError(`${anno}: no annotation files`);
  return files.map((file) => {
    const name = file.slice(0, -4);
    const gtFile = join(anno, file);
    const whole = join(frameDir(root), name);
    if (isDir(whole)) return { name, dir: whole, open: { gtFile } };
    const range = UAV123_SUBRANGES[name];
    const base = /^(.+)_\d+$/.exec(name)?.[1];
    if (!range || base === undefined) {
      throw new SequenceError(`${gtFile}: no frame folder ${whole}, and ${name} is not one of UAV123's split sequences`);
    }
    return { name, dir: join(frameDir(root), base), open: { gtFile, name, gtFirstFrame: range[0], gtLastFrame: range[1] } };
  });
}
