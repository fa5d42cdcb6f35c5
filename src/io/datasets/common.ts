import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SequenceError } from '../errors.ts';
import { isDir, isFile } from '../fs.ts';
import { parseNumberToken } from '../groundtruth.ts';
import type { OpenOptions } from '../sequence.ts';

/** One sequence of a dataset: where its frames are and how openSequence reads it. */
export interface DatasetEntry {
  /** Result-file stem, as the dataset's toolkits name the sequence. */
  name: string;
  /** The folder whose img/, color/ or top level holds the frames. */
  dir: string;
  open: OpenOptions;
}

function readText(file: string): string {
  if (!isFile(file)) throw new SequenceError(`${file}: file not found`);
  return readFileSync(file, 'utf8');
}

/**
 * Sequence names, one a line (GOT-10k and VOT `list.txt`, LaSOT `testing_set.txt`); each must have
 * its folder, `folderOf(name)` (default: beside the list), or the error names the list's line.
 */
export function readNameList(file: string, folderOf: (name: string) => string = (name) => join(dirname(file), name)): string[] {
  const names: string[] = [];
  readText(file).split(/\r?\n/).forEach((raw, i) => {
    const name = raw.trim();
    if (name === '') return;
    if (!isDir(folderOf(name))) throw new SequenceError(`${file}:${i + 1}: no sequence folder ${folderOf(name)}`);
    names.push(name);
  });
  if (names.length === 0) throw new SequenceError(`${file}: no sequence names`);
  return names;
}

/**
 * Per-frame numbers: one a line (GOT-10k's cover.label) or one comma-separated line (LaSOT's
 * full_occlusion.txt). Anything but a finite number is an error naming the line.
 */
export function readFrameNumbers(file: string): number[] {
  const out: number[] = [];
  readText(file).split(/\r?\n/).forEach((line, i) => {
    for (const token of line.split(/[,\s]+/).filter(Boolean)) {
      const v = parseNumberToken(token);
      if (v === null || !Number.isFinite(v)) throw new SequenceError(`${file}:${i + 1}: expected numbers, got "${token}"`);
      out.push(v);
    }
  });
  return out;
}

/** Non-empty lines of a text file. */
export const countLines = (file: string): number => readText(file).split(/\r?\n/).filter((l) => l.trim() !== '').length;
