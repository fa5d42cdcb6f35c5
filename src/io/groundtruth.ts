import type { Box } from './box.ts';
import { SequenceError } from './errors.ts';

/**
 * Parses a ground-truth file: one box per line, values separated by commas and/or whitespace
 * (OTB mixes ',', '\t' and ' '). Lines of 4 values are x,y,w,h; with `polygons`, lines of
 * 8 values are VOT corner polygons, reduced to their axis-aligned min/max box (pytracking's
 * choice: it contains the whole target, where pysot's area-preserving box may cut corners).
 * A line containing NaN is a frame without annotation (null). Values are returned as written:
 * coordinate conversion is the caller's job.
 */
export function parseGroundTruth(text: string, file: string, polygons = false): (Box | null)[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new SequenceError(`${file}: ground-truth file is empty`);
  const boxes = lines.map((line, i) => parseLine(line, `${file}:${i + 1}`, polygons));
  if (boxes[0] === null) throw new SequenceError(`${file}:1: first ground-truth line must be a box, got "${lines[0]}"`);
  return boxes;
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

function parseLine(line: string, where: string, polygons: boolean): Box | null {
  const tokens = line.trim().split(/[,\s]+/);
  const counts = polygons ? '4 or 8' : '4';
  if (tokens.length !== 4 && !(polygons && tokens.length === 8)) {
    throw new SequenceError(`${where}: expected ${counts} numbers, got ${line.trim() === '' ? 'an empty line' : `"${line}"`}`);
  }
  const parsed = tokens.map(parseNumberToken);
  if (parsed.some((v) => v !== null && Number.isNaN(v))) return null;
  const v = parsed.map((x) => x ?? NaN);
  if (!v.every(Number.isFinite)) throw new SequenceError(`${where}: expected ${counts} finite numbers, got "${line}"`);
  if (v.length === 4) return v as Box;
  const xs = [v[0], v[2], v[4], v[6]];
  const ys = [v[1], v[3], v[5], v[7]];
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return [x, y, Math.max(...xs) - x, Math.max(...ys) - y];
}
