// What the canvas shows: the frame, the box (tracked: solid; being chosen: dashed), a line with the
// frame number, score and FPS, and optionally the three scale response maps in a corner.
import type { Box, UpdateResult } from '../src/browser.ts';

/** Pure yellow: the tests look for it on the box's edges. */
export const BOX_COLOUR = '#ffff00';

export interface OverlayState {
  pixels: ImageData;
  box: Box | null;
  /** A box being chosen rather than tracked. */
  draft?: boolean;
  caption?: string;
  maps?: UpdateResult['responseMaps'];
}

/** A blue-to-yellow ramp for response values in [0, 1]. */
function heat(v: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, v));
  return [Math.round(255 * Math.min(1, 2 * t)), Math.round(255 * t * t), Math.round(255 * (1 - t) * 0.8)];
}

function drawMaps(context: CanvasRenderingContext2D, maps: NonNullable<OverlayState['maps']>): void {
  const { width, height } = context.canvas;
  const side = Math.max(24, Math.floor(Math.min(width / 4, height / 3) / 1.2));
  maps.forEach((map, k) => {
    const image = new ImageData(map.width, map.height);
    for (let i = 0; i < map.data.length; i++) {
      const [r, g, b] = heat(map.data[i]!);
      image.data.set([r, g, b, 255], i * 4);
    }
    const tile = new OffscreenCanvas(map.width, map.height);
    tile.getContext('2d')!.putImageData(image, 0, 0);
    const x = width - (3 - k) * (side + 4);
    context.drawImage(tile, x, height - side - 4, side, side);
  });
}

export function draw(canvas: HTMLCanvasElement, state: OverlayState): void {
  const { pixels } = state;
  if (canvas.width !== pixels.width || canvas.height !== pixels.height) {
    canvas.width = pixels.width;
    canvas.height = pixels.height;
  }
  const context = canvas.getContext('2d')!;
  context.putImageData(pixels, 0, 0);
  if (state.box) {
    const [x, y, w, h] = state.box;
    context.lineWidth = Math.max(2, Math.round(pixels.width / 320));
    context.strokeStyle = BOX_COLOUR;
    context.setLineDash(state.draft ? [6, 4] : []);
    context.strokeRect(x, y, w, h);
    context.setLineDash([]);
  }
  if (state.maps) drawMaps(context, state.maps);
  if (state.caption) {
    const size = Math.max(12, Math.round(pixels.width / 40));
    context.font = `${size}px ui-monospace, monospace`;
    const width = context.measureText(state.caption).width;
    context.fillStyle = 'rgba(0, 0, 0, 0.6)';
    context.fillRect(0, 0, width + 10, size + 8);
    context.fillStyle = '#fff';
    context.fillText(state.caption, 5, size + 2);
  }
}

/** A pointer position on the canvas in frame pixels. */
export function framePoint(canvas: HTMLCanvasElement, event: PointerEvent): [number, number] {
  const rect = canvas.getBoundingClientRect();
  return [((event.clientX - rect.left) * canvas.width) / rect.width, ((event.clientY - rect.top) * canvas.height) / rect.height];
}
