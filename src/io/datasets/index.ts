import { join, resolve } from 'node:path';
import { SequenceError } from '../errors.ts';
import { isFile } from '../fs.ts';
import { listSequences } from '../sequence.ts';
import { type DatasetEntry, readNameList } from './common.ts';
import { got10kSplitsUnder, isGot10kSequence, listGot10k } from './got10k.ts';
import { listLasot, looksLikeLasot } from './lasot.ts';
import { listUav123, looksLikeUav123 } from './uav123.ts';
import { listVot } from './vot.ts';

export type { DatasetEntry } from './common.ts';

export const DATASET_KINDS = ['otb', 'vot', 'got10k', 'lasot', 'uav123'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

/** A layout named on the command line. */
export function parseDatasetKind(text: string): DatasetKind {
  if (!(DATASET_KINDS as readonly string[]).includes(text)) throw new Error(`--layout ${text}: use ${DATASET_KINDS.join(', ')}`);
  return text as DatasetKind;
}

export interface Dataset {
  kind: DatasetKind;
  root: string;
  entries: DatasetEntry[];
}

/**
 * Recognises a dataset root by what only its layout has: UAV123's data_seq/UAV123 + anno/UAV123,
 * GOT-10k's split folders or sequence names and labels, LaSOT's full_occlusion.txt, OTB's
 * groundtruth_rect.txt; a root of sequences with groundtruth.txt is VOT.
 */
export function detectDataset(root: string): DatasetKind {
  if (looksLikeUav123(root)) return 'uav123';
  if (got10kSplitsUnder(root).length > 0) return 'got10k';
  const list = join(root, 'list.txt');
  const names = isFile(list) ? readNameList(list) : null;
  if (names?.some((n) => isGot10kSequence(join(root, n), n))) return 'got10k';
  if (names) return 'vot';
  if (looksLikeLasot(root)) return 'lasot';
  const entries = listSequences(root);
  if (entries.some((e) => e.gtFile !== 'groundtruth.txt')) return 'otb';
  if (entries.some((e) => isGot10kSequence(e.dir, e.name))) return 'got10k';
  if (entries.length > 0) return 'vot';
  throw new SequenceError(
    `${root}: not a dataset root this reads (OTB, VOT, GOT-10k split, LaSOT, UAV123): no sequence folders with frames and ground truth`,
  );
}

const LISTERS: Record<DatasetKind, (root: string) => DatasetEntry[]> = {
  otb: (root) => listSequences(root).map(({ name, dir, gtFile }) => ({ name, dir, open: { gtFile } })),
  vot: listVot,
  got10k: listGot10k,
  lasot: listLasot,
  uav123: listUav123,
};

/** The sequences of a dataset root, of the given kind or the detected one; every path in the entries is absolute. */
export function openDataset(root: string, kind?: DatasetKind): Dataset {
  // Absolute, because openSequence reads a relative gtFile as relative to the sequence folder.
  const abs = resolve(root);
  const k = kind ?? detectDataset(abs);
  return { kind: k, root: abs, entries: LISTERS[k](abs) };
}
