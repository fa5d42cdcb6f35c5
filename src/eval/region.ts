import type { Region } from '../io/groundtruth.ts';

/**
 * Overlap of VOT regions (x,y,w,h rectangles or 4-corner polygons) by exact polygon clipping.
 *
 * The VOT toolkit (trax `region.c`, which pysot's `vot_overlap` wraps) rasterises both regions on
 * the pixel grid and counts pixels; we compute the areas exactly, so a frame's overlap can differ
 * from the toolkit's by the rasterisation error (sub-pixel slivers, edges along pixel rows). Both
 * clip the regions to the image first, as the toolkit's `bounds` argument does.
 */

type Point = readonly [number, number];

/** The image, [0, width] x [0, height] in the regions' own coordinates. */
export interface Bounds {
  width: number;
  height: number;
}

function corners(r: Region): Point[] {
  if (r.length === 4) {
    const [x, y, w, h] = r;
    return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]];
  }
  if (r.length === 8) return [0, 2, 4, 6].map((i): Point => [r[i], r[i + 1]]);
  throw new RangeError(`region needs 4 or 8 numbers, got ${r.length}`);
}

/** Shoelace formula: positive for counter-clockwise vertex order (y down: clockwise on screen). */
function signedArea(p: readonly Point[]): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const [x0, y0] = p[i];
    const [x1, y1] = p[(i + 1) % p.length];
    s += x0 * y1 - x1 * y0;
  }
  return s / 2;
}

const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

function isConvex(p: readonly Point[]): boolean {
  let sign = 0;
  for (let i = 0; i < p.length; i++) {
    const c = cross(p[i], p[(i + 1) % p.length], p[(i + 2) % p.length]);
    if (c === 0) continue;
    if (sign !== 0 && Math.sign(c) !== sign) return false;
    sign = Math.sign(c);
  }
  return true;
}

/**
 * Sutherland-Hodgman: `subject` (any simple polygon) clipped by the convex polygon `clip`. A
 * concave subject can come out with zero-width bridges, which add nothing to its area.
 */
function clipPolygon(subject: readonly Point[], clip: readonly Point[]): Point[] {
  const orientation = Math.sign(signedArea(clip));
  if (orientation === 0) return [];
  let out: Point[] = [...subject];
  for (let i = 0; i < clip.length && out.length > 0; i++) {
    const a = clip[i];
    const b = clip[(i + 1) % clip.length];
    const inside = (p: Point) => cross(a, b, p) * orientation >= 0;
    const input = out;
    out = [];
    for (let j = 0; j < input.length; j++) {
      const p = input[j];
      const q = input[(j + 1) % input.length];
      if (inside(p)) out.push(p);
      if (inside(p) !== inside(q)) out.push(intersection(a, b, p, q));
    }
  }
  return out;
}

/** Where segment p-q crosses the line through a and b (called only when it does). */
function intersection(a: Point, b: Point, p: Point, q: Point): Point {
  const cp = cross(a, b, p);
  const t = cp / (cp - cross(a, b, q));
  return [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
}

const area = (p: readonly Point[]) => (p.length < 3 ? 0 : Math.abs(signedArea(p)));

/**
 * Intersection over union of two regions, both clipped to `bounds` when given. Empty or
 * degenerate regions overlap nothing (0). One of the two must be convex, which rectangles and
 * VOT's rotated boxes are; two concave polygons are an error.
 */
export function regionOverlap(a: Region, b: Region, bounds?: Bounds): number {
  let pa = corners(a);
  let pb = corners(b);
  if (bounds) {
    const frame: Point[] = [[0, 0], [bounds.width, 0], [bounds.width, bounds.height], [0, bounds.height]];
    pa = clipPolygon(pa, frame);
    pb = clipPolygon(pb, frame);
  }
  const [subject, clip] = isConvex(pb) ? [pa, pb] : [pb, pa];
  if (!isConvex(clip)) throw new RangeError(`regionOverlap: neither region is convex ([${a.join(',')}] and [${b.join(',')}])`);
  const inter = area(clipPolygon(subject, clip));
  const union = area(pa) + area(pb) - inter;
  return union > 0 ? Math.min(1, Math.max(0, inter / union)) : 0;
}
