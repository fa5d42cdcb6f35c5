import type { Frame } from '../../src/io/frame.ts';
import type { Box } from '../../src/io/box.ts';
import { mulberry32 } from '../../src/util/random.ts';

// Easy, deterministic tracking scenes for the tracker and CLI tests.

export interface Target {
  x: number;
  y: number;
  w: number;
  h: number;
  seed: number;
  /** Side of the texture's colour blocks; 8 px is two feature cells. */
  block?: number;
}

/** A smooth background with rigidly textured rectangles (clipped at the frame edge). */
export function scene(width: number, height: number, targets: Target[]): Frame {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = 110 + 35 * Math.sin(x / 13 + 2 * c) + 35 * Math.cos(y / 11 - c);
    }
  }
  for (const t of targets) {
    const rand = mulberry32(t.seed);
    const block = t.block ?? 8;
    const cols = Math.ceil(t.w / block);
    const colours = Uint8Array.from({ length: cols * Math.ceil(t.h / block) * 3 }, () => Math.floor(rand() * 256));
    for (let v = 0; v < t.h; v++) {
      for (let u = 0; u < t.w; u++) {
        const [X, Y] = [t.x + u, t.y + v];
        if (X < 0 || Y < 0 || X >= width || Y >= height) continue;
        const k = (Math.floor(v / block) * cols + Math.floor(u / block)) * 3;
        data.set(colours.subarray(k, k + 3), (Y * width + X) * 3);
      }
    }
  }
  return { width, height, data };
}

export const boxOf = (t: Target): Box => [t.x, t.y, t.w, t.h];
export const centreError = (b: Box, t: Target) => Math.hypot(b[0] + b[2] / 2 - (t.x + t.w / 2), b[1] + b[3] / 2 - (t.y + t.h / 2));
