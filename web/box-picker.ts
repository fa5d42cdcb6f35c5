// Choosing the initial box: dragged on the canvas, or typed as OTB's 1-based x,y,w,h.
import { type Box, fromOneBased, parseBoxList } from '../src/browser.ts';
import { framePoint } from './overlay.ts';

/**
 * Calls `onDraft` while the user drags (the box so far, 0-based frame pixels) and `onBox` when the
 * button is released, as long as `enabled()` says picking is allowed now.
 */
export function dragBoxes(canvas: HTMLCanvasElement, enabled: () => boolean, onDraft: (box: Box) => void, onBox: (box: Box) => void): void {
  let start: [number, number] | null = null;
  const boxTo = (event: PointerEvent): Box => {
    const [x, y] = framePoint(canvas, event);
    const [x0, y0] = start!;
    const round = (v: number) => Math.round(v);
    return [round(Math.min(x0, x)), round(Math.min(y0, y)), round(Math.abs(x - x0)), round(Math.abs(y - y0))];
  };
  canvas.addEventListener('pointerdown', (event) => {
    if (!enabled() || event.button !== 0) return;
    start = framePoint(canvas, event);
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (start) onDraft(boxTo(event));
  });
  canvas.addEventListener('pointerup', (event) => {
    if (!start) return;
    const box = boxTo(event);
    start = null;
    onBox(box);
  });
}

/** A typed box: four numbers, 1-based as in OTB files; returned 0-based. */
export function parseTypedBox(text: string): Box {
  const boxes = parseBoxList(text, 'typed box');
  if (boxes.length !== 1) throw new RangeError(`typed box: one box x,y,w,h, got ${boxes.length}`);
  return fromOneBased(boxes[0]);
}
