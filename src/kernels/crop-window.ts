import type { Dispatch } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import type { Tensor } from '../runtime/tensor.ts';
import { Uniforms } from '../runtime/uniforms.ts';
import { cropTaps } from '../reference/crop-window.ts';
import { packTwoTaps, type ResizeProfile } from '../reference/interp.ts';
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
): Promise<Dispatch> {
  const { width } = rgb8Size(frame, op);
  return engine.prepare({
    op,
    shader: 'crop-window',
    constants: { WG, FIXED: Number(mode.fixed), PACKED: Number(mode.packed) },
    buffers: [frame, taps, dst],
    uniforms: new Uniforms(3).u32(width).u32(out.width).u32(out.height).bytes,
    workgroups: [Math.ceil(out.height / WG)],
    shapes: `${frame.shape.join('x')} -> ${out.height}x${out.width}`,
  });
}

export interface CropWindowOptions {
  profile: ResizeProfile;
  /** Network input side (180 normally; smaller for small images). */
  out?: number;
  /** Where to write: out x out x 4, pad 1 (e.g. the backbone's input buffer). Made here if absent. */
  output?: FeatureMap;
}

/**
 * The search-window crop (spec 1.4, 8.3), fused: S x S window at (cx, cy) with replicate border,
 * bilinear resize to out x out, minus 128, written as (R, G, B, 0) into the interior of a
 * 1-cell-padded FeatureMap. The S x S crop is never materialised.
 *
 * Per frame, setWindow(cx, cy, S) rewrites the per-axis tap table (2 x out vec4, 5.8 KB at 180)
 * with queue.writeBuffer: no GPU objects are created. The table, not uniforms, carries the window
 * because cv2's coefficients are rounded from double precision, which WGSL lacks.
 */
export class CropWindow {
  constructor(
    private readonly engine: Engine,
    readonly dispatch: Dispatch,
    readonly output: FeatureMap,
    readonly profile: ResizeProfile,
    private readonly frameSize: { width: number; height: number },
    private readonly taps: Tensor<'f32'>,
    private readonly ownsOutput: boolean,
  ) {}

  /** Centre in 0-based rescaled-frame pixels; S the window side (any positive integer). */
  setWindow(cx: number, cy: number, S: number): void {
    if (!Number.isFinite(cx) || !Number.isFinite(cy)) throw new RangeError(`crop-window: centre (${cx}, ${cy})`);
    const { width, height } = this.frameSize;
    const out = this.output.width;
    const xs = cropTaps(this.profile, cx, S, out, width, 'x');
    const ys = cropTaps(this.profile, cy, S, out, height, 'y');
    this.taps.write(packTwoTaps(xs, ys));
  }

  release(): void {
    this.engine.discard(this.dispatch);
    this.taps.release();
    if (this.ownsOutput) this.output.tensor.release();
  }
}

export async function cropWindow(engine: Engine, frame: Tensor<'u8'>, options: CropWindowOptions): Promise<CropWindow> {
  const frameSize = rgb8Size(frame, 'crop-window');
  const out = options.out ?? options.output?.width ?? 180;
  if (!Number.isInteger(out) || out < 1) throw new RangeError(`crop-window: output side ${out}`);
  const shape = { height: out, width: out, channels: 4, pad: 1 };
  const given = options.output;
  if (given && (given.height !== out || given.width !== out || given.channels !== 4 || given.pad !== 1)) {
    throw new RangeError(`crop-window: output must be ${describe(shape)}, got ${describe(given)}`);
  }
  const tensor = given?.tensor ?? engine.tensor([featureElements(shape)], 'crop-window out');
  if (tensor.size < featureElements(shape)) throw new RangeError(`crop-window: output tensor too small`);
  // The kernel writes only the interior: the zero border is laid once, here.
  tensor.write(new Float32Array(featureElements(shape)));
  const taps = engine.tensor([2 * out * 4], 'crop-window taps');
  taps.write(new Float32Array(2 * out * 4));
  const fixed = options.profile === 'pytorch-port';
  const dispatch = await prepareGather(engine, 'crop-window', frame, taps, tensor, { width: out, height: out }, { fixed, packed: false });
  return new CropWindow(engine, dispatch, { tensor, ...shape }, options.profile, frameSize, taps, !given);
}
