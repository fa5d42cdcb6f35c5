import type { Dispatch } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import type { Op } from '../runtime/op.ts';
import type { Tensor } from '../runtime/tensor.ts';
import type { ArgmaxOrder, ResponseUpsampling } from '../tracker/config.ts';
import { hann, matlabTaps, type TapWindow, torchBicubicTaps } from './interp.ts';

/** Workgroup size and count per pass (see shaders/response-peak.wgsl). */
const PASSES = [
  { WG: 64, groups: 1 },
  { WG: 16, groups: 64 },
  { WG: 8, groups: 256 },
  { WG: 64, groups: 1 },
];
const SEGMENT = 32;
const PIXEL_WG = PASSES[2].WG;

export interface Peak {
  /** Largest value of the upsampled, windowed map. */
  max: number;
  /** 0-based position of the first maximum in the tie order. */
  y: number;
  x: number;
}

export interface PeakReadout {
  /** Per pyramid level: max of map + window (scale weight not applied), first argmax, 0-based. */
  peaks: [Peak, Peak, Peak];
  /** Global max of the raw xcorr maps. */
  globalMax: number;
  /** False when globalMax <= 0 and the maps were left undivided. */
  normalised: boolean;
}

export interface ResponseMethods {
  upsampling: ResponseUpsampling;
  argmaxOrder: ArgmaxOrder;
}

/**
 * Upsampling taps F -> S, the same on both axes. matlab-bicubic: imresize(map, [S S], 'bicubic'):
 * Keys a = -0.5, half-pixel mapping with scale S/F, mirrored border, antialiased if S < F.
 * torch-bicubic: F.interpolate(bicubic, align_corners=True): A = -0.75, src = dst (F-1)/(S-1),
 * indices clamped.
 */
export function responseTaps(F: number, S: number, upsampling: ResponseUpsampling): TapWindow {
  if (!Number.isInteger(S) || S < 1) throw new RangeError(`response-peak: window side ${S} is not a positive integer`);
  return upsampling === 'matlab-bicubic' ? matlabTaps(F, S, S / F, 'cubic', true) : torchBicubicTaps(F, S);
}

/** Axis table: per output index, (base, hann, 0, 0) then the weights padded to a multiple of 4. */
function axisTable(F: number, S: number, upsampling: ResponseUpsampling): { table: Float32Array; K4: number } {
  const taps = responseTaps(F, S, upsampling);
  const K4 = Math.ceil(taps.K / 4);
  const stride = (1 + K4) * 4;
  const w = hann(S);
  const table = new Float32Array(S * stride);
  for (let d = 0; d < S; d++) {
    table[d * stride] = taps.base[d];
    table[d * stride + 1] = w[d];
    table.set(taps.weights.subarray(d * taps.K, (d + 1) * taps.K), d * stride + 4);
  }
  return { table, K4 };
}

/**
 * The per-frame tail (spec 4.3-4.4, 8.20-22) over the xcorr output [3][F][F]: global-max
 * normalisation, bicubic upsampling to S x S, + Hann window, per-map max and argmax, in four
 * dispatches; the readback is 48 bytes. Per frame: `set({ S })` (writes an S-entry tap table and
 * the uniforms; grows buffers, rebuilding `steps`, only when S passes the largest side so far),
 * run `steps`, then `read()`. Scale weights and the choice of scale stay with the caller.
 */
export interface ResponsePeak extends Op<{ S: number }> {
  readonly F: number;
  /** The window side set last. */
  readonly S: number;
  /** The 48-byte result (PEAK_WORDS words) that read() reads; parsePeaks decodes a copy of it. */
  readonly result: Tensor<'u32'>;
  read(): Promise<PeakReadout>;
}

export const PEAK_WORDS = 12;

/** Decodes a response-peak result: per level (max, y, x), then the global max. */
export function parsePeaks(words: Uint32Array): PeakReadout {
  const floats = new Float32Array(words.buffer, words.byteOffset, words.length);
  const peak = (s: number): Peak => ({ max: floats[s * 3], y: words[s * 3 + 1], x: words[s * 3 + 2] });
  return { peaks: [peak(0), peak(1), peak(2)], globalMax: floats[9], normalised: floats[9] > 0 };
}

class ResponseTail {
  steps: Dispatch[] = [];
  /** Largest S the rows buffer holds, and vec4 entries the tap table holds. */
  private capacity = { S: 0, axis: 0 };
  private buffers: Tensor[] = [];
  size = 0;
  readonly result: Tensor<'u32'>;
  private readonly partials: Tensor<'u32'>;

  constructor(
    private readonly engine: Engine,
    private readonly maps: Tensor<'f32'>,
    readonly F: number,
    private readonly methods: ResponseMethods,
  ) {
    this.result = engine.tensor([PEAK_WORDS], 'response-peak result', 'u32');
    this.partials = engine.tensor([PASSES[2].groups * 3 * 2], 'response-peak partials', 'u32');
  }

  async setSize(S: number): Promise<void> {
    if (S * S > 0xffffffff) throw new RangeError(`response-peak: S = ${S} overflows the 32-bit pixel index`);
    // Most frames keep the window: the table and uniforms written last time still hold.
    if (S === this.size) return;
    const { table, K4 } = axisTable(this.F, S, this.methods.upsampling);
    if (S > this.capacity.S || table.length / 4 > this.capacity.axis) {
      // Headroom so that a slowly growing window does not rebuild every frame.
      const grown = Math.max(S, Math.ceil(this.capacity.S * 1.25));
      await this.grow(grown, Math.max(table.length / 4, grown * (1 + K4), this.capacity.axis));
    }
    this.buffers[0].write(table);
    const tilesX = Math.ceil(S / SEGMENT);
    for (const d of this.steps) d.set({ S, K4, tilesX, tiles: Math.ceil(S / PIXEL_WG) * tilesX });
    this.size = S;
  }

  async read(): Promise<PeakReadout> {
    return parsePeaks(await this.result.read());
  }

  release(): void {
    this.dropPlan();
    this.result.release();
    this.partials.release();
  }

  private dropPlan(): void {
    for (const d of this.steps) this.engine.discard(d);
    for (const b of this.buffers) b.release();
    this.steps = [];
    this.buffers = [];
  }

  private async grow(S: number, axisEntries: number): Promise<void> {
    this.dropPlan();
    this.capacity = { S, axis: axisEntries };
    const axis = this.engine.tensor([axisEntries * 4], 'response-peak taps');
    const rows = this.engine.tensor([S * this.F * 4], 'response-peak rows');
    this.buffers = [axis, rows];
    const tilesX = Math.ceil(S / SEGMENT);
    this.steps = await Promise.all(
      PASSES.map(({ WG, groups }, PASS) =>
        this.engine.prepare({
          op: `response-peak pass ${PASS}`,
          shader: 'response-peak',
          constants: { PASS, WG },
          buffers: { maps: this.maps, axis, rows, partials: this.partials, result: this.result },
          // Sized for the capacity; setSize writes the S of each frame.
          params: {
            S, F: this.F, K4: 1, columnMajor: Number(this.methods.argmaxOrder === 'column-major'),
            segment: SEGMENT, tilesX, tiles: Math.ceil(S / PIXEL_WG) * tilesX, partials: PASSES[2].groups,
          },
          workgroups: [groups],
          shapes: `3x${this.F}x${this.F} -> S <= ${S}`,
        }),
      ),
    );
  }
}

export async function responsePeak(engine: Engine, maps: Tensor<'f32'>, methods: ResponseMethods, S: number): Promise<ResponsePeak> {
  const [n, F, F2] = maps.shape;
  if (maps.dtype !== 'f32' || maps.shape.length !== 3 || n !== 3 || F !== F2 || !(F > 0)) {
    throw new RangeError(`response-peak: expected maps [3, F, F], got [${maps.shape}]`);
  }
  const tail = new ResponseTail(engine, maps, F, methods);
  await tail.setSize(S);
  return {
    name: 'response-peak',
    get steps() {
      return tail.steps;
    },
    F,
    get S() {
      return tail.size;
    },
    result: tail.result,
    set: ({ S }) => tail.setSize(S),
    read: () => tail.read(),
    release: () => tail.release(),
  };
}
