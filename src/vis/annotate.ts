import type { Box } from '../io/box.ts';
import { drawLabel, drawRect, fillRect, textHeight, type Canvas, type RGB } from './raster.ts';

/** A small float map (e.g. a response/score map), row-major. */
export interface ResponseMap {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

export interface AnnotateOptions {
  /** Tracked box, 0-based pixels [x, y, w, h]. */
  box?: Readonly<Box> | null;
  /** Several tracked targets: each box in its own colour (targetColor) with its label at its corner. */
  targets?: readonly { box: Readonly<Box>; label: string; color: RGB }[];
  /** Ground truth in the same frame, drawn under the tracked box. */
  gt?: Readonly<Box> | null;
  frameIndex?: number;
  score?: number;
  /** Heatmaps drawn side by side in the top-right corner (e.g. the 3 scale responses). */
  responseMaps?: readonly ResponseMap[];
  /** Integer magnification of the maps; default fits all maps in about a third of the frame width. */
  mapScale?: number;
  boxColor?: RGB;
  /** Draw the tracked box red instead of yellow when score is below this. */
  lostBelow?: number;
  thickness?: number;
  /** Text scale of the frame number and score. */
  textScale?: number;
}

export const COLORS = { track: [255, 255, 0] as RGB, lost: [255, 0, 0] as RGB, gt: [0, 255, 0] as RGB };

// Bright, mutually distinct colours; none is the ground truth's green.
const TARGET_COLORS: readonly RGB[] = [
  [255, 255, 0], [0, 200, 255], [255, 64, 255], [255, 128, 0], [128, 128, 255], [255, 255, 255], [0, 255, 160], [255, 96, 96],
];

/** Target k's colour (k from 1), repeating after 8 targets (the labels still tell them apart). */
export function targetColor(k: number): RGB {
  return TARGET_COLORS[(((k - 1) % TARGET_COLORS.length) + TARGET_COLORS.length) % TARGET_COLORS.length];
}

/**
 * Draws in place (and returns the frame) the pysot/pytracking way: GT green, track yellow, frame number at the
 * top-left. A box's edges sit on pixels round(x) .. round(x + w) - 1, i.e. an integer box outlines exactly the
 * w x h pixels it covers; lines grow inwards. Anything outside the frame is clipped, never thrown.
 */
export function annotateFrame(frame: Canvas, opts: AnnotateOptions): Canvas {
  const t = opts.thickness ?? 2;
  const drawBox = (b: Readonly<Box> | null | undefined, color: RGB) => {
    if (b && b.every(Number.isFinite)) drawRect(frame, b[0], b[1], b[2], b[3], color, t);
  };
  drawBox(opts.gt, COLORS.gt);
  const lost = opts.lostBelow !== undefined && opts.score !== undefined && !(opts.score >= opts.lostBelow);
  drawBox(opts.box, opts.boxColor ?? (lost ? COLORS.lost : COLORS.track));
  const s = opts.textScale ?? 2;
  for (const { box, label, color } of opts.targets ?? []) {
    if (!box.every(Number.isFinite)) continue;
    drawBox(box, color);
    // Above the box where there is room, else just inside it.
    const y0 = box[1] - textHeight(1) - 4 >= 0 ? box[1] - textHeight(1) - 4 : box[1];
    drawLabel(frame, label, Math.round(box[0]), Math.round(y0), [0, 0, 0], color, 1);
  }
  let y = 4;
  for (const text of [
    opts.frameIndex === undefined ? null : `#${opts.frameIndex}`,
    opts.score === undefined ? null : `score ${Number.isFinite(opts.score) ? opts.score.toFixed(3) : String(opts.score)}`,
  ]) {
    if (text === null) continue;
    drawLabel(frame, text, 4, y, [255, 255, 255], [0, 0, 0], s);
    y += textHeight(s) + 6;
  }
  if (opts.responseMaps && opts.responseMaps.length > 0) drawMaps(frame, opts.responseMaps, opts.mapScale);
  return frame;
}

function drawMaps(frame: Canvas, maps: readonly ResponseMap[], scaleOpt?: number): void {
  const gap = 2;
  const rawW = maps.reduce((s, m) => s + m.width, 0);
  const scale = scaleOpt ?? Math.max(1, Math.floor(frame.width / 3 / Math.max(1, rawW)));
  const totalW = maps.reduce((s, m) => s + m.width * scale + gap, gap);
  const panelH = Math.max(...maps.map((m) => m.height)) * scale + 2 * gap;
  let x = frame.width - totalW;
  fillRect(frame, x, 0, totalW, panelH, [0, 0, 0]);
  x += gap;
  for (const m of maps) {
    const [lo, hi] = range(m.data);
    for (let j = 0; j < m.height; j++) {
      for (let i = 0; i < m.width; i++) {
        const v = m.data[j * m.width + i]!;
        fillRect(frame, x + i * scale, gap + j * scale, scale, scale, heatColor(hi > lo ? (v - lo) / (hi - lo) : 0));
      }
    }
    x += m.width * scale + gap;
  }
}

function range(data: ArrayLike<number>): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return [lo, hi];
}

/** Jet colour map for t in [0, 1] (blue, cyan, yellow, red); NaN draws black. */
export function heatColor(t: number): RGB {
  if (!Number.isFinite(t)) return [0, 0, 0];
  const c = (x: number) => Math.round(255 * Math.min(1, Math.max(0, x)));
  const u = Math.min(1, Math.max(0, t));
  return [c(1.5 - Math.abs(4 * u - 3)), c(1.5 - Math.abs(4 * u - 2)), c(1.5 - Math.abs(4 * u - 1))];
}
