import { PNG } from 'pngjs';
import { CELL_W, GLYPH_H, glyphColumns } from './font.ts';

/** Packed RGB, row-major, 3 bytes a pixel; also the frame type of annotate and the GIF/video writers. */
export interface Canvas {
  width: number;
  height: number;
  data: Uint8Array;
}

export type RGB = readonly [number, number, number];

export function createCanvas(width: number, height: number, background: RGB = [255, 255, 255]): Canvas {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new Error(`canvas size must be positive integers, got ${width}x${height}`);
  }
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(background, i);
  return { width, height, data };
}

/** Pixels outside the canvas are ignored, so callers never clip by hand. */
export function setPixel(c: Canvas, x: number, y: number, color: RGB): void {
  if (x < 0 || y < 0 || x >= c.width || y >= c.height) return;
  c.data.set(color, (y * c.width + x) * 3);
}

export function getPixel(c: Canvas, x: number, y: number): RGB {
  const i = (y * c.width + x) * 3;
  return [c.data[i]!, c.data[i + 1]!, c.data[i + 2]!];
}

/** Fills integer pixels x..x+w-1, y..y+h-1 (clipped; NaN or empty draws nothing). */
export function fillRect(c: Canvas, x: number, y: number, w: number, h: number, color: RGB): void {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(c.width, Math.round(x + w));
  const y1 = Math.min(c.height, Math.round(y + h));
  for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) c.data.set(color, (yy * c.width + xx) * 3);
}

/**
 * Outline of the pixels fillRect(x, y, w, h) would fill, `thickness` px wide, growing inwards so the outer edge
 * stays where the box is.
 */
export function drawRect(c: Canvas, x: number, y: number, w: number, h: number, color: RGB, thickness = 1): void {
  const [l, t, r, b] = [Math.round(x), Math.round(y), Math.round(x + w), Math.round(y + h)];
  const k = Math.min(thickness, r - l, b - t);
  if (!(k > 0)) return;
  fillRect(c, l, t, r - l, k, color);
  fillRect(c, l, b - k, r - l, k, color);
  fillRect(c, l, t + k, k, b - t - 2 * k, color);
  fillRect(c, r - k, t + k, k, b - t - 2 * k, color);
}

/**
 * Bresenham line between pixel centres, stamped with a thickness x thickness square. The segment is first clipped
 * to the canvas (Liang-Barsky) so far-away endpoints cost nothing.
 */
export function drawLine(c: Canvas, x0: number, y0: number, x1: number, y1: number, color: RGB, thickness = 1): void {
  const m = thickness + 1;
  const clipped = clipSegment(x0, y0, x1, y1, -m, -m, c.width + m, c.height + m);
  if (clipped === null) return;
  let [ax, ay, bx, by] = clipped.map(Math.round) as [number, number, number, number];
  const dx = Math.abs(bx - ax);
  const dy = -Math.abs(by - ay);
  const sx = ax < bx ? 1 : -1;
  const sy = ay < by ? 1 : -1;
  const lo = -Math.floor((thickness - 1) / 2);
  let err = dx + dy;
  for (;;) {
    if (thickness <= 1) setPixel(c, ax, ay, color);
    else fillRect(c, ax + lo, ay + lo, thickness, thickness, color);
    if (ax === bx && ay === by) break;
    const e2 = 2 * err;
    if (e2 >= dy) { err += dy; ax += sx; }
    if (e2 <= dx) { err += dx; ay += sy; }
  }
}

function clipSegment(x0: number, y0: number, x1: number, y1: number, xmin: number, ymin: number, xmax: number, ymax: number): number[] | null {
  if (![x0, y0, x1, y1].every(Number.isFinite)) return null;
  const dx = x1 - x0;
  const dy = y1 - y0;
  let t0 = 0;
  let t1 = 1;
  for (const [p, q] of [[-dx, x0 - xmin], [dx, xmax - x0], [-dy, y0 - ymin], [dy, ymax - y0]] as const) {
    if (p === 0) {
      if (q < 0) return null;
    } else {
      const r = q / p;
      if (p < 0) t0 = Math.max(t0, r);
      else t1 = Math.min(t1, r);
    }
  }
  return t0 > t1 ? null : [x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy];
}

export function textWidth(text: string, scale = 1): number {
  return text.length === 0 ? 0 : (text.length * CELL_W - 1) * scale;
}

export const textHeight = (scale = 1): number => GLYPH_H * scale;

/**
 * Draws `text` with its top-left at (x, y); each font pixel becomes a scale x scale block. `rotate` turns it 90
 * degrees counter-clockwise (reading upwards, for y-axis labels); (x, y) is then the top-left of the rotated block.
 */
export function drawText(c: Canvas, text: string, x: number, y: number, color: RGB, scale = 1, rotate = false): void {
  const len = textWidth(text, scale);
  [...text].forEach((ch, i) => {
    glyphColumns(ch).forEach((bits, col) => {
      for (let row = 0; row < GLYPH_H; row++) {
        if (!((bits >> row) & 1)) continue;
        const u = (i * CELL_W + col) * scale;
        const v = row * scale;
        if (rotate) fillRect(c, x + v, y + len - u - scale, scale, scale, color);
        else fillRect(c, x + u, y + v, scale, scale, color);
      }
    });
  });
}

/** Text over a filled box with `pad` px margin, so labels stay legible on any image. */
export function drawLabel(c: Canvas, text: string, x: number, y: number, color: RGB, background: RGB, scale = 1, pad = 2): void {
  fillRect(c, x, y, textWidth(text, scale) + 2 * pad, textHeight(scale) + 2 * pad, background);
  drawText(c, text, x + pad, y + pad, color, scale);
}

/** Box-filter downscale by an integer factor (keeps GIFs small); the remainder at the right/bottom is dropped. */
export function downscale(c: Canvas, factor: number): Canvas {
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`downscale factor must be an integer >= 1, got ${factor}`);
  if (factor === 1) return c;
  const w = Math.max(1, Math.floor(c.width / factor));
  const h = Math.max(1, Math.floor(c.height / factor));
  const out = createCanvas(w, h);
  const fx = Math.min(factor, c.width);
  const fy = Math.min(factor, c.height);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < 3; ch++) {
        let s = 0;
        for (let j = 0; j < fy; j++) for (let i = 0; i < fx; i++) s += c.data[((y * fy + j) * c.width + x * fx + i) * 3 + ch]!;
        out.data[(y * w + x) * 3 + ch] = Math.round(s / (fx * fy));
      }
    }
  }
  return out;
}

export function toPng(c: Canvas): Buffer {
  const png = new PNG({ width: c.width, height: c.height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength);
  return PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false });
}

/** Decodes any PNG to an RGB canvas (alpha dropped). */
export function fromPng(buf: Buffer): Canvas {
  const png = PNG.sync.read(buf);
  const out = { width: png.width, height: png.height, data: new Uint8Array(png.width * png.height * 3) };
  for (let i = 0, j = 0; i < png.data.length; i += 4, j += 3) out.data.set(png.data.subarray(i, i + 3), j);
  return out;
}
