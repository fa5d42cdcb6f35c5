import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { mulberry32 } from '../util/random.ts';
import { resultText } from '../io/result-lines.ts';
import type { Box } from '../io/box.ts';
import type { Frame } from '../io/rgb-frame.ts';
import { toPng } from '../vis/raster.ts';
import { FloatCanvas, paintBox, type Rgb, valueNoise } from './paint.ts';

export interface DemoOptions {
  frames?: number;
  width?: number;
  height?: number;
  seed?: number;
}

export interface DemoSequence {
  frames: Frame[];
  /** Exact 0-based boxes of the target, one per frame. */
  boxes: Box[];
}

/**
 * The target: a 3x3 checker in red and yellow inside a dark rim, with a light centre spot.
 * The distractor has the same rim and checker idea in nearby colours on a 4x4 grid, close
 * enough that a tracker matching colour statistics alone can be pulled onto it.
 */
function checker(n: number, a: Rgb, b: Rgb, spot: boolean) {
  return (u: number, v: number): Rgb => {
    if (u < 0.08 || u > 0.92 || v < 0.08 || v > 0.92) return [25, 20, 30];
    if (spot && (u - 0.5) ** 2 + (v - 0.5) ** 2 < 0.012) return [245, 245, 240];
    return (Math.floor(u * n) + Math.floor(v * n)) % 2 === 0 ? a : b;
  };
}
const TARGET = checker(3, [215, 45, 40], [240, 210, 60], true);
const DISTRACTOR = checker(4, [200, 70, 45], [225, 195, 85], false);

function background(w: number, h: number, rand: () => number): FloatCanvas {
  const canvas = new FloatCanvas(w, h);
  for (let c = 0; c < 3; c++) {
    const octaves = [48, 24, 12, 6].map((cell) => valueNoise(w, h, cell, rand));
    for (let i = 0; i < w * h; i++) {
      const n = octaves[0][i] * 0.5 + octaves[1][i] * 0.25 + octaves[2][i] * 0.15 + octaves[3][i] * 0.1;
      canvas.px[i * 3 + c] = 50 + 130 * n;
    }
  }
  // Clutter: striped rectangles in muted colours, to give the background edges and texture.
  for (let k = 0; k < 30; k++) {
    const bw = w * (0.04 + 0.12 * rand());
    const bh = h * (0.04 + 0.12 * rand());
    const box = [rand() * (w - bw), rand() * (h - bh), bw, bh] as const;
    const c1: Rgb = [60 + 120 * rand(), 60 + 120 * rand(), 60 + 120 * rand()];
    const c2: Rgb = [c1[0] * 0.6, c1[1] * 0.6, c1[2] * 0.6];
    const stripes = 2 + Math.floor(5 * rand());
    const vertical = rand() < 0.5;
    paintBox(canvas, box, (u, v) => (Math.floor((vertical ? u : v) * stripes) % 2 ? c1 : c2));
  }
  return canvas;
}

/** Smooth figure-eight path with a scale cycle between 0.8x and 1.3x; t in [0, 1]. */
function targetBox(t: number, w: number, h: number): Box {
  const s = 1.05 + 0.25 * Math.sin(2 * Math.PI * 1.5 * t);
  const bw = 0.11 * w * s;
  const bh = 0.12 * h * s;
  const cx = w * (0.5 + 0.32 * Math.sin(2 * Math.PI * t + 0.3));
  const cy = h * (0.5 + 0.25 * Math.sin(4 * Math.PI * t));
  // Two decimals, so the ground-truth file states exactly the box that was painted.
  const r = (v: number) => Math.round(v * 100) / 100;
  return [r(cx - bw / 2), r(cy - bh / 2), r(bw), r(bh)];
}

function toFrame(canvas: FloatCanvas, gain: number, rand: () => number): Frame {
  const data = new Uint8Array(canvas.px.length);
  for (let i = 0; i < data.length; i++) {
    const v = canvas.px[i] * gain + (rand() - 0.5) * 8; // sensor noise, +-4 levels
    data[i] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
  }
  return { width: canvas.width, height: canvas.height, data };
}

/** A deterministic sequence (same options, same pixels) with exact ground truth. */
export function generateDemoSequence(opts: DemoOptions = {}): DemoSequence {
  const { frames: n = 60, width: w = 320, height: h = 240, seed = 2019 } = opts;
  const rand = mulberry32(seed);
  const bg = background(w, h, rand);
  // The distractor sits just below the path where the target passes at t=0.55, so the
  // target brushes over its upper part.
  const near = targetBox(0.55, w, h);
  paintBox(bg, [near[0] + 0.15 * near[2], near[1] + 0.55 * near[3], 0.11 * w, 0.12 * h], DISTRACTOR);

  const frames: Frame[] = [];
  const boxes: Box[] = [];
  for (let f = 0; f < n; f++) {
    const t = n > 1 ? f / (n - 1) : 0;
    const box = targetBox(t, w, h);
    const canvas = bg.clone();
    paintBox(canvas, box, TARGET);
    frames.push(toFrame(canvas, 1 + 0.08 * Math.sin(2 * Math.PI * t), rand));
    boxes.push(box);
  }
  return { frames, boxes };
}

/**
 * The first `frames` frames of the default demo sequence (smooth motion) and its first box: what
 * the cross-host tests and the browser bench track on each host.
 */
export function demoClip(frames: number): { frames: Frame[]; initBox: Box } {
  const demo = generateDemoSequence();
  return { frames: demo.frames.slice(0, frames), initBox: demo.boxes[0]! };
}

/**
 * Writes the demo in OTB layout: img/0001.png.. (PNG, lossless, so pixels and therefore
 * tracking results are reproducible byte for byte) and a 1-based groundtruth_rect.txt.
 */
export async function writeDemoSequence(
  dir: string,
  opts: DemoOptions = {},
): Promise<{ dir: string; frames: string[]; groundTruthFile: string }> {
  dir = resolve(dir);
  const { frames, boxes } = generateDemoSequence(opts);
  await mkdir(join(dir, 'img'), { recursive: true });
  const digits = Math.max(4, String(frames.length).length);
  const paths = frames.map((_, i) => join(dir, 'img', `${String(i + 1).padStart(digits, '0')}.png`));
  await Promise.all(frames.map((f, i) => writeFile(paths[i], toPng(f))));
  const groundTruthFile = join(dir, 'groundtruth_rect.txt');
  await writeFile(groundTruthFile, resultText(boxes));
  return { dir, frames: paths, groundTruthFile };
}
