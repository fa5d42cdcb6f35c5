import { resizedSize } from '../tracker/geometry.ts';
import { cv2ResizeLinear } from './cv2-resize.ts';
import { matlabImresize } from './matlab-imresize.ts';

/** How every frame is rescaled by the sequence's factor (spec 1.2). */
export type FrameResizeMethod = 'matlab-bicubic' | 'cv2-bilinear';

/**
 * The whole-frame rescale of an RGB8 frame by s to ceil(W s) x ceil(H s) (spec 1.2).
 * - matlab-bicubic (M): imresize(img, s), bicubic with antialiasing when s < 1; the scale in the
 *   contributions is s itself (not out/in), and the uint8 image is rounded after each pass.
 * - cv2-bilinear (P): cv2.resize(img, (ceil(W s), ceil(H s))), INTER_LINEAR.
 */
export function frameResizeCpu(frame: Uint8Array, width: number, height: number, s: number, method: FrameResizeMethod) {
  const [outW, outH] = resizedSize(width, height, s);
  const src = { read: (r: number, c: number, ch: number) => frame[(r * width + c) * 3 + ch], height, width, channels: 3 };
  const data =
    method === 'matlab-bicubic'
      ? Uint8Array.from(matlabImresize(src, outH, outW, s, 'bicubic', { antialias: true, uint8: true }))
      : cv2ResizeLinear(src, outH, outW);
  return { width: outW, height: outH, data };
}
