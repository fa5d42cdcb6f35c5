import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseNumberToken } from '../io/groundtruth.ts';
import type { Box } from '../io/box.ts';

/**
 * Parses one box per non-empty line, fields split on commas and/or whitespace (OTB mixes `,`, tab and space;
 * pytracking writes tabs, got10k commas). Anything but exactly 4 numbers is an error that names the line, because
 * a silently skipped line shifts every later frame.
 */
export function parseBoxText(text: string, source: string): Box[] {
  const boxes: Box[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') {
      if (lines.slice(i + 1).some((l) => l.trim() !== '')) throw new Error(`${source}:${i + 1}: empty line inside the box list`);
      return;
    }
    const fields = line.split(/[,\s]+/);
    const nums = fields.map(parseNumberToken);
    if (fields.length !== 4 || nums.some((v) => v === null)) {
      throw new Error(`${source}:${i + 1}: expected 4 numbers "x,y,w,h" separated by commas or whitespace, got "${line}"`);
    }
    boxes.push(nums as unknown as Box);
  });
  return boxes;
}

/** A `<Seq>.txt` result file (got10k/pysot/pytracking layout): row 1 is the first frame of the sequence. */
export function readResultTxt(path: string): Box[] {
  return parseBoxText(readFileSync(path, 'utf8'), path);
}

/** OTB names compare case-insensitively with `-` and `_` alike (BasketBall vs Basketball, Human4-2 vs human4_2). */
export function canonicalName(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

/** `<dir>/<name><ext>` matched by canonicalName, or null. */
export function findByName(dir: string, name: string, ext: string): string | null {
  const want = canonicalName(name) + ext.toLowerCase();
  const hit = readdirSync(dir).find((f) => canonicalName(f) === want);
  return hit === undefined ? null : join(dir, hit);
}

/** Sequence names of the `<name><ext>` files in dir. */
export function namesWithExt(dir: string, ext: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith(ext) && f.length > ext.length)
    .map((f) => f.slice(0, -ext.length));
}

/**
 * A tracker's result for a sequence: `<dir>/<name>.txt` (got10k's OTB layout, pysot, pytracking, ours)
 * or got10k's GOT-10k layout `<dir>/<name>/<name>_001.txt` (its first repetition: TADT is deterministic).
 */
export function findResultFile(dir: string, name: string): string | null {
  const flat = findByName(dir, name, '.txt');
  if (flat !== null) return flat;
  const sub = readdirSync(dir).find((f) => canonicalName(f) === canonicalName(name) && statSync(join(dir, f)).isDirectory());
  return sub === undefined ? null : findByName(join(dir, sub), `${name}_001`, '.txt');
}

/** The sequences a results folder has results for, in either layout of findResultFile; `_time.txt` files are not results. */
export function resultNames(dir: string): string[] {
  const flat = namesWithExt(dir, '.txt').filter((n) => !/_time$/i.test(n));
  const nested = readdirSync(dir).filter((f) => existsSync(join(dir, f, `${f}_001.txt`)));
  return [...flat, ...nested];
}

interface PublishedEntry {
  tracker?: string;
  seqName?: string;
  startFrame: number;
  endFrame: number;
  evalType: string;
  res: number[][];
}

export interface PublishedResult {
  tracker: string;
  seqName: string;
  /** Row i is GT row i of the sequence (aligned by startFrame). */
  boxes: Box[];
  /** startFrame as stored, and how it was read. */
  startFrame: number;
  numbering: 'absolute' | 'relative';
}

/**
 * Reads the published OTB benchmark JSON (`[{tracker, seqName, startFrame, endFrame, evalType, res}]`) and takes the
 * OPE entry. startFrame comes in two numberings: absolute image numbers (MEEM David: 300..770) or 1-based indices into
 * the sequence (STRUCK David: 1..471). `firstFrame` is the image number of the sequence's first ground-truth row
 * (David 300, Tiger1 6): a startFrame below it can only be an index; otherwise it is read as an image number. A result
 * that starts after the first ground-truth frame is not a one-pass evaluation from frame 1 and is rejected.
 */
export function readPublishedJson(path: string, firstFrame: number): PublishedResult {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const entries = (Array.isArray(parsed) ? parsed : [parsed]) as PublishedEntry[];
  const ope = entries.filter((e) => e && e.evalType === 'OPE');
  if (ope.length !== 1) throw new Error(`${path}: expected exactly one entry with evalType "OPE", found ${ope.length}`);
  const e = ope[0]!;
  if (!Number.isInteger(e.startFrame) || !Array.isArray(e.res)) throw new Error(`${path}: OPE entry lacks startFrame or res`);
  const numbering = e.startFrame >= firstFrame ? 'absolute' : 'relative';
  const offset = numbering === 'absolute' ? e.startFrame - firstFrame : e.startFrame - 1;
  if (offset !== 0) {
    throw new Error(
      `${path}: result starts at frame ${e.startFrame} (${numbering}) but the sequence's first ground-truth frame is ${firstFrame}; OPE results must start there`,
    );
  }
  const boxes = e.res.map((row, i) => {
    if (!Array.isArray(row) || row.length !== 4) throw new Error(`${path}: res[${i}] is not [x, y, w, h]`);
    return row.map((v) => (v === null ? Number.NaN : Number(v))) as unknown as Box;
  });
  return { tracker: e.tracker ?? '', seqName: e.seqName ?? '', boxes, startFrame: e.startFrame, numbering };
}
