import { join } from 'node:path';
import { isFile } from '../fs.ts';
import { listSequences } from '../sequence.ts';
import { type DatasetEntry, readNameList } from './common.ts';

/**
 * VOT short-term (2013-2019, pytracking `votdataset.py`, toolkit-legacy): `<root>/<seq>/color/00000001.jpg..`
 * or, in the legacy layout, the frames directly in `<root>/<seq>/`, with `groundtruth.txt` (4-corner
 * polygons or x,y,w,h, comma). `<root>/list.txt`, when present, names the sequences and their order;
 * otherwise every folder with frames and a groundtruth.txt is one.
 */
export function listVot(root: string): DatasetEntry[] {
  const list = join(root, 'list.txt');
  const names = isFile(list)
    ? readNameList(list)
    : listSequences(root).filter((e) => e.gtFile === 'groundtruth.txt').map((e) => e.name);
  return names.map((name) => ({ name, dir: join(root, name), open: { gtFile: join(root, name, 'groundtruth.txt') } }));
}
