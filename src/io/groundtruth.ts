import type { Box } from './box.ts';
import { SequenceError } from './errors.ts';

/** A ground-truth region as written: x,y,w,h, or (VOT) the corners x1,y1,..,x4,y4 of a rotated box. */
export type Region = readonly number[];

/**
 * Parses a ground-truth file: one region per line, values separated by commas and/or whitespace
 * (OTB mixes ',', '\t' and ' '). Lines have 4 values (x,y,w,h) or, with `polygons`, 8 (VOT's
 * corners). A line containing NaN is a frame without annotation (null). Values are returned as
 * written: coordinate conversion is the caller's job.
 */
export function parseRegions(text: string, file: string, polygons = false): (Region | null)[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new SequenceError(`${file}: ground-truth file is empty`);
  const regions = lines.map((line, i) => parseLine(line, `${file}:${i + 1}`, polygons));
  if (regions[0] === null) throw new SequenceError(`${file}:1: first ground-truth line must be a box, got "${lines[0]}"`);
  return regions;
}

/**
 * A list of boxes, one x,y,w,h per line as in a ground-truth file (several targets' initial boxes,
 * `tadt track --boxes`): every line must be a box; an error names the file and line.
 */
export function parseBoxList(text: string, file: string): Box[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new SequenceError(`${file}: no boxes (one x,y,w,h per line)`);
  return lines.map((line, i) => {
    const region = parseLine(line, `${file}:${i + 1}`, false);
    if (region === null) throw new SequenceError(`${file}:${i + 1}: expected a box, got "${line}"`);
    return regionBox(region);
  });
}

/**
 * The axis-aligned box of a region: polygons become their min/max box, which is what the VOT
 * toolkit's trax hands a rectangle tracker and pytracking uses; it contains the whole target,
 * where pysot's area-preserving box may cut corners.
 */
export function regionBox(r: Region): Box {
  if (r.length === 4) return [r[0], r[1], r[2], r[3]];
  const xs = r.filter((_, i) => i % 2 === 0);
  const ys = r.filter((_, i) => i % 2 === 1);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return [x, y, Math.max(...xs) - x, Math.max(...ys) - y];
}

/**
 * One number of a box line: decimal or exponent notation, or NaN (a frame without annotation, or a
 * tracker's lost frame); null for anything else. Number() alone would accept '' (a leading comma),
 * hex and 'Infinity'.
 */
export function parseNumberToken(token: string): number | null {
  if (/^nan$/i.test(token)) return Number.NaN;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(token) ? Number(token) : null;
}

function parseLine(line: string, where: string, polygons: boolean): Region | null {
  const tokens = line.trim().split(/[,\s]+/);
  const counts = polygons ? '4 or 8' : '4';
  if (tokens.length !== 4 && !(polygons && tokens.length === 8)) {
    throw new SequenceError(`${where}: expected ${counts} numbers, got ${line.trim() === '' ? 'an empty line' : `"${line}"`}`);
  }
  const parsed = tokens.map(parseNumberToken);
  if (parsed.some((v) => v !== null && Number.isNaN(v))) return null;
  const v = parsed.map((x) => x ?? NaN);
  if (!v.every(Number.isFinite)) throw new SequenceError(`${where}: expected ${counts} finite numbers, got "${line}"`);
  return v;
}
