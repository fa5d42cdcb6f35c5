import { PNG } from 'pngjs';
import type { Box } from '../../src/io/box.ts';

/**
 * The share of points along each edge of `box` (frame pixels) that have a pure-yellow pixel within
 * 2 px across the edge in a screenshot of the canvas (`frameWidth` frame pixels wide): the overlay's stroke.
 */
export function yellowOnEdges(png: Uint8Array, box: Box, frameWidth: number): number[] {
  const image = PNG.sync.read(Buffer.from(png));
  const scale = image.width / frameWidth;
  const [x, y, w, h] = box.map((v) => v * scale) as Box;
  const yellow = (px: number, py: number): boolean => {
    const i = (Math.round(py) * image.width + Math.round(px)) * 4;
    return image.data[i]! > 220 && image.data[i + 1]! > 220 && image.data[i + 2]! < 60;
  };
  const near = (px: number, py: number, horizontal: boolean): boolean =>
    [-2, -1, 0, 1, 2].some((d) => (horizontal ? yellow(px, py + d) : yellow(px + d, py)));
  const ts = Array.from({ length: 9 }, (_, i) => 0.1 + 0.1 * i);
  const share = (hit: (t: number) => boolean) => ts.filter(hit).length / ts.length;
  return [
    share((t) => near(x + t * w, y, true)),
    share((t) => near(x + t * w, y + h, true)),
    share((t) => near(x, y + t * h, false)),
    share((t) => near(x + w, y + t * h, false)),
  ];
}
