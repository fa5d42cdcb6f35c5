import { type Dispatch, grid1d } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import { makeOp, type Op } from '../runtime/op.ts';
import type { Tensor } from '../runtime/tensor.ts';
import type { FrameResizeMethod } from '../tracker/config.ts';
import { resizedSize } from '../tracker/geometry.ts';
import { prepareGather, rgb8Size } from './crop-window.ts';
import { cvLinearTaps, matlabTaps, packTwoTaps, type TapWindow } from './interp.ts';

const WG = 64;

/**
 * The whole-frame rescale (spec 1.2, 8.2), prepared once per sequence: upload each new frame into
 * `input` and run `steps`; `output` is the rescaled RGB8 frame [ceil(H s), ceil(W s), 3].
 * cv2-bilinear: INTER_LINEAR in one fused gather (shaders/crop-window.wgsl, packed mode; cv2's
 * intermediate is exact in int32, so fusing changes nothing). matlab-bicubic: imresize bicubic in
 * two 1-D passes, rows then columns, through a uint8 image as Matlab rounds between them.
 * No per-frame values.
 */
export interface FrameResize extends Op {
  readonly output: Tensor<'u8'>;
}

function prepared(engine: Engine, steps: Dispatch[], output: Tensor<'u8'>, owned: Tensor[]): FrameResize {
  return { ...makeOp(engine, 'frame-resize', { steps, owned }), output };
}

/** Matlab imresize(img, s): Keys bicubic with the scale s itself (not out/in), antialiased when shrinking. */
export function matlabFrameTaps(width: number, height: number, s: number): { rows: TapWindow; cols: TapWindow } {
  const [outW, outH] = resizedSize(width, height, s);
  return { rows: matlabTaps(height, outH, s, 'cubic', true), cols: matlabTaps(width, outW, s, 'cubic', true) };
}

/** Per output position: (base, 0, 0, 0), then the weights zero-padded to whole vec4s. */
function tapTable(w: TapWindow): Float32Array {
  const n = w.base.length;
  const stride = (1 + Math.ceil(w.K / 4)) * 4;
  const table = new Float32Array(n * stride);
  for (let d = 0; d < n; d++) {
    table[d * stride] = w.base[d];
    table.set(w.weights.subarray(d * w.K, (d + 1) * w.K), d * stride + 4);
  }
  return table;
}

async function matlabPass(
  engine: Engine,
  src: Tensor<'u8'>,
  dst: Tensor<'u8'>,
  taps: Tensor<'f32'>,
  w: TapWindow,
  geometry: { lenIn: number; inner: number },
): Promise<Dispatch> {
  const lenOut = w.base.length;
  const total = dst.size;
  const rows = geometry.inner > 3;
  return engine.prepare({
    op: 'frame-resize',
    shader: 'frame-resize',
    constants: { WG, ROWS: Number(rows) },
    buffers: { src, taps, dst },
    params: { lenIn: geometry.lenIn, lenOut, inner: geometry.inner, K4: Math.ceil(w.K / 4), total },
    // Row pass: one output word per invocation; column pass: four pixels.
    workgroups: grid1d(Math.ceil(rows ? total / 4 : total / 12), WG),
    shapes: `${src.shape.join('x')} -> ${dst.shape.join('x')}`,
  });
}

export async function frameResize(
  engine: Engine,
  input: Tensor<'u8'>,
  scale: number,
  method: FrameResizeMethod,
): Promise<FrameResize> {
  const { width, height } = rgb8Size(input, 'frame-resize');
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`frame-resize: scale ${scale}`);
  const [outW, outH] = resizedSize(width, height, scale);
  const output = engine.tensor([outH, outW, 3], 'frame-resize out', 'u8');
  if (method === 'cv2-bilinear') {
    const table = packTwoTaps(cvLinearTaps(width, outW, 'x'), cvLinearTaps(height, outH, 'y'));
    const taps = engine.upload([table.length], 'frame-resize taps', 'f32', table);
    const size = { width: outW, height: outH };
    const d = await prepareGather(engine, 'frame-resize', input, taps, output, size, { fixed: true, packed: true });
    return prepared(engine, [d], output, [output, taps]);
  }
  const { rows, cols } = matlabFrameTaps(width, height, scale);
  const mid = engine.tensor([outH, width, 3], 'frame-resize rows', 'u8');
  const rowTable = tapTable(rows);
  const colTable = tapTable(cols);
  const rowTaps = engine.upload([rowTable.length], 'frame-resize row taps', 'f32', rowTable);
  const colTaps = engine.upload([colTable.length], 'frame-resize column taps', 'f32', colTable);
  const steps = [
    await matlabPass(engine, input, mid, rowTaps, rows, { lenIn: height, inner: width * 3 }),
    await matlabPass(engine, mid, output, colTaps, cols, { lenIn: width, inner: 3 }),
  ];
  return prepared(engine, steps, output, [output, mid, rowTaps, colTaps]);
}
