import type { Dispatch } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import { makeOp, type Op } from '../runtime/op.ts';
import type { Tensor } from '../runtime/tensor.ts';
import type { CropMethod } from '../tracker/config.ts';
import { cvLinearTaps, mapTwoTaps, matlabTaps, packTwoTaps, type TwoTaps, twoTaps } from './interp.ts';
import { describe, featureElements, type FeatureMap } from './layout.ts';

const WG = 8;

/** Width and height of an RGB8 frame tensor shaped [H, W, 3]. */
export function rgb8Size(frame: Tensor<'u8'>, op: string): { width: number; height: number } {
  const [height, width, channels] = frame.shape;
  if (frame.dtype !== 'u8' || frame.shape.length !== 3 || channels !== 3 || !(width > 0 && height > 0)) {
    throw new RangeError(`${op}: expected a u8 frame [H, W, 3], got ${frame.dtype} [${frame.shape}]`);
  }
  return { width, height };
}

/**
 * The two-tap gather of shaders/crop-window.wgsl from an RGB8 frame into `dst`: a FeatureMap
 * interior (packed = false) or a packed RGB8 frame. One invocation per output row.
 */
export function prepareGather(
  engine: Engine,
  op: string,
  frame: Tensor<'u8'>,
  taps: Tensor<'f32'>,
  dst: Tensor,
  out: { width: number; height: number },
  mode: { fixed: boolean; packed: boolean },
  dstBase = 0,
): Promise<Dispatch> {
  const { width } = rgb8Size(frame, op);
  return engine.prepare({
    op,
    shader: 'crop-window',
    constants: { WG, FIXED: Number(mode.fixed), PACKED: Number(mode.packed) },
    buffers: { frame, taps, dst },
    params: { width, outW: out.width, outH: out.height, dstBase },
    workgroups: [Math.ceil(out.height / WG)],
    shapes: `${frame.shape.join('x')} -> ${out.height}x${out.width}`,
  });
}

/** Image column (or row) of window index 0: floor(c) - ceil(S/2) + 1 (spec 1.4), before clamping. */
export function windowOrigin(centre: number, S: number): number {
  return Math.floor(centre) - Math.ceil(S / 2) + 1;
}

/**
 * Taps of the fused crop + resize along one axis, in image coordinates: the S-pixel window at
 * `centre` with replicate border, resized to `out`. cv2-bilinear: INTER_LINEAR on the uint8 crop;
 * matlab-bilinear: imresize bilinear without antialiasing (scale out/S).
 */
export function cropTaps(method: CropMethod, centre: number, S: number, out: number, imageLen: number, axis: 'x' | 'y'): TwoTaps {
  if (!Number.isInteger(S) || S < 1) throw new RangeError(`crop window side ${S} is not a positive integer`);
  const taps = method === 'cv2-bilinear' ? cvLinearTaps(S, out, axis) : twoTaps(matlabTaps(S, out, out / S, 'bilinear', false));
  const origin = windowOrigin(centre, S);
  return mapTwoTaps(taps, (i) => Math.min(Math.max(origin + i, 0), imageLen - 1));
}

export interface CropWindowOptions {
  method: CropMethod;
  /** Network input side (180 normally; smaller for small images). */
  out?: number;
  /** Where to write: out x out x 4, pad 1 (e.g. the backbone's input buffer). Made here if absent. */
  output?: FeatureMap;
  /** Which map of a batch stacked in `output`'s tensor to write (one per target); default 0. */
  slot?: number;
}

/** The window of one run: centre in 0-based rescaled-frame pixels, S the side (any positive integer). */
export interface CropValues {
  cx: number;
  cy: number;
  S: number;
}

/**
 * The search-window crop (spec 1.4, 8.3), fused: S x S window at (cx, cy) with replicate border,
 * bilinear resize to out x out, minus 128, written as (R, G, B, 0) into the interior of a
 * 1-cell-padded FeatureMap. The S x S crop is never materialised.
 *
 * Per frame, set({ cx, cy, S }) rewrites the per-axis tap table (2 x out vec4, 5.8 KB at 180)
 * with queue.writeBuffer: no GPU objects are created. The table, not uniforms, carries the window
 * because cv2's coefficients are rounded from double precision, which WGSL lacks.
 */
export interface CropWindow extends Op<CropValues> {
  readonly output: FeatureMap;
}

export async function cropWindow(engine: Engine, frame: Tensor<'u8'>, options: CropWindowOptions): Promise<CropWindow> {
  const { width, height } = rgb8Size(frame, 'crop-window');
  const out = options.out ?? options.output?.width ?? 180;
  if (!Number.isInteger(out) || out < 1) throw new RangeError(`crop-window: output side ${out}`);
  const shape = { height: out, width: out, channels: 4, pad: 1 };
  const given = options.output;
  if (given && (given.height !== out || given.width !== out || given.channels !== 4 || given.pad !== 1)) {
    throw new RangeError(`crop-window: output must be ${describe(shape)}, got ${describe(given)}`);
  }
  const slot = options.slot ?? 0;
  if (slot !== 0 && !given) throw new RangeError(`crop-window: slot ${slot} of an output it makes itself`);
  const elements = featureElements(shape);
  const tensor = given?.tensor ?? engine.tensor([elements], 'crop-window out');
  if (!Number.isInteger(slot) || slot < 0 || tensor.size < (slot + 1) * elements) {
    throw new RangeError(`crop-window: output tensor holds no map ${slot} (${tensor.size} elements, ${elements} per map)`);
  }
  // The kernel writes only the interior: the zero border is laid once, here.
  tensor.write(new Float32Array(elements), slot * elements);
  const taps = engine.tensor([2 * out * 4], 'crop-window taps');
  taps.write(new Float32Array(2 * out * 4));
  const fixed = options.method === 'cv2-bilinear';
  const dispatch = await prepareGather(engine, 'crop-window', frame, taps, tensor, { width: out, height: out }, { fixed, packed: false }, slot * elements);
  const op = makeOp<CropValues>(engine, 'crop-window', {
    steps: [dispatch],
    owned: given ? [taps] : [taps, tensor],
    set({ cx, cy, S }) {
      if (!Number.isFinite(cx) || !Number.isFinite(cy)) throw new RangeError(`crop-window: centre (${cx}, ${cy})`);
      const xs = cropTaps(options.method, cx, S, out, width, 'x');
      const ys = cropTaps(options.method, cy, S, out, height, 'y');
      taps.write(packTwoTaps(xs, ys));
    },
  });
  return { ...op, output: { tensor, ...shape } };
}
