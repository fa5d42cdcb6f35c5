import type { Dispatch } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import type { Op } from '../runtime/op.ts';
import { StructTable } from '../runtime/struct-table.ts';
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
 * The per-frame tail (spec 4.3-4.4, 8.20-22) over the xcorr output [targets][3][F][F] of a batch of
 * targets: per target, global-max normalisation, bicubic upsampling to its S x S, + Hann window,
 * per-map max and argmax, in four dispatches for all targets; the readback is 48 bytes per target.
 * Per frame: `set({ S })`, one window side per target (writes the tap tables of the targets whose
 * side changed and the target table; grows buffers, rebuilding `steps`, only when a side passes the
 * largest so far), run `steps`, then `read()`. Scale weights and the choice of scale stay with the caller.
 */
export interface ResponsePeak extends Op<{ S: readonly number[] }> {
  readonly F: number;
  /** The window sides set last, per target. */
  readonly S: readonly number[];
  /** PEAK_WORDS words per target, which read() reads; parsePeaks decodes one target's. */
  readonly result: Tensor<'u32'>;
  read(): Promise<PeakReadout[]>;
}

export const PEAK_WORDS = 12;

/** Decodes a response-peak result: per level (max, y, x), then the global max. */
export function parsePeaks(words: Uint32Array): PeakReadout {
  const floats = new Float32Array(words.buffer, words.byteOffset, words.length);
  const peak = (s: number): Peak => ({ max: floats[s * 3], y: words[s * 3 + 1], x: words[s * 3 + 2] });
  return { peaks: [peak(0), peak(1), peak(2)], globalMax: floats[9], normalised: floats[9] > 0 };
}

/** One target's axis table for side S: its entries (vec4) and taps per output / 4. */
interface Axis {
  table: Float32Array;
  K4: number;
}

class ResponseTail {
  steps: Dispatch[] = [];
  /** Per target: largest S its rows region holds, and vec4 entries its tap-table region holds. */
  private capacity = { S: 0, axis: 0 };
  private buffers: Tensor[] = [];
  sizes: number[];
  private axes: Axis[];
  readonly result: Tensor<'u32'>;
  private readonly partials: Tensor<'u32'>;
  private table: StructTable | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly maps: Tensor<'f32'>,
    readonly F: number,
    private readonly count: number,
    private readonly methods: ResponseMethods,
  ) {
    this.sizes = new Array<number>(count).fill(0);
    this.axes = new Array<Axis>(count);
    this.result = engine.tensor([count * PEAK_WORDS], 'response-peak result', 'u32');
    this.partials = engine.tensor([count * PASSES[2].groups * 3 * 2], 'response-peak partials', 'u32');
  }

  async setSizes(sizes: readonly number[]): Promise<void> {
    if (sizes.length !== this.count) throw new RangeError(`response-peak: ${sizes.length} window sides for ${this.count} targets`);
    for (const S of sizes) {
      if (!Number.isInteger(S) || S < 1) throw new RangeError(`response-peak: window side ${S} is not a positive integer`);
      if (S * S > 0xffffffff) throw new RangeError(`response-peak: S = ${S} overflows the 32-bit pixel index`);
    }
    // Most frames keep every window: the tables written last time still hold.
    const changed = sizes.flatMap((S, k) => (S === this.sizes[k] ? [] : [k]));
    if (changed.length === 0) return;
    for (const k of changed) this.axes[k] = axisTable(this.F, sizes[k], this.methods.upsampling);
    const S = Math.max(...sizes);
    const entries = Math.max(...changed.map((k) => this.axes[k].table.length / 4));
    if (S > this.capacity.S || entries > this.capacity.axis) {
      // Headroom so that a slowly growing window does not rebuild every frame.
      const grown = Math.max(S, Math.ceil(this.capacity.S * 1.25));
      const K4 = Math.max(...this.axes.map((a) => a.K4));
      await this.grow(grown, Math.max(entries, grown * (1 + K4), this.capacity.axis));
      changed.splice(0, changed.length, ...sizes.keys());
    }
    for (const k of changed) this.buffers[0].write(this.axes[k].table, k * this.capacity.axis * 4);
    this.table!.write(
      sizes.map((S, k) => {
        const tilesX = Math.ceil(S / SEGMENT);
        const K4 = this.axes[k].K4;
        return { S, K4, tilesX, tiles: Math.ceil(S / PIXEL_WG) * tilesX, axis: k * this.capacity.axis, rows: k * this.capacity.S * this.F };
      }),
    );
    this.sizes = [...sizes];
  }

  async read(): Promise<PeakReadout[]> {
    const words = await this.result.read();
    return Array.from({ length: this.count }, (_, k) => parsePeaks(words.subarray(k * PEAK_WORDS, (k + 1) * PEAK_WORDS)));
  }

  release(): void {
    this.dropPlan();
    this.result.release();
    this.partials.release();
  }

  private dropPlan(): void {
    for (const d of this.steps) this.engine.discard(d);
    for (const b of this.buffers) b.release();
    this.table?.release();
    this.steps = [];
    this.buffers = [];
    this.table = null;
  }

  private async grow(S: number, axisEntries: number): Promise<void> {
    this.dropPlan();
    this.capacity = { S, axis: axisEntries };
    const axis = this.engine.tensor([this.count * axisEntries * 4], 'response-peak taps');
    const rows = this.engine.tensor([this.count * S * this.F * 4], 'response-peak rows');
    this.buffers = [axis, rows];
    // Filled by setSizes with this frame's sides.
    const placeholder = { S: 1, K4: 1, tilesX: 1, tiles: 1, axis: 0, rows: 0 };
    this.table = new StructTable(this.engine, 'response-peak', 'Target', new Array(this.count).fill(placeholder));
    const targets = this.table.tensor;
    this.steps = await Promise.all(
      PASSES.map(({ WG, groups }, PASS) =>
        this.engine.prepare({
          op: `response-peak pass ${PASS}`,
          shader: 'response-peak',
          constants: { PASS, WG },
          buffers: { maps: this.maps, axis, rows, partials: this.partials, result: this.result, targets },
          params: { F: this.F, columnMajor: Number(this.methods.argmaxOrder === 'column-major'), segment: SEGMENT, partials: PASSES[2].groups },
          workgroups: [groups, 1, this.count],
          shapes: `${this.count}x3x${this.F}x${this.F} -> S <= ${S}`,
        }),
      ),
    );
  }
}

export async function responsePeak(engine: Engine, maps: Tensor<'f32'>, methods: ResponseMethods, S: readonly number[]): Promise<ResponsePeak> {
  const [count, n, F, F2] = maps.shape;
  if (maps.dtype !== 'f32' || maps.shape.length !== 4 || n !== 3 || F !== F2 || !(F > 0) || !(count > 0)) {
    throw new RangeError(`response-peak: expected maps [targets, 3, F, F], got [${maps.shape}]`);
  }
  const tail = new ResponseTail(engine, maps, F, count, methods);
  try {
    await tail.setSizes(S);
  } catch (e) {
    tail.release();
    throw e;
  }
  return {
    name: 'response-peak',
    get steps() {
      return tail.steps;
    },
    F,
    get S() {
      return tail.sizes;
    },
    result: tail.result,
    set: ({ S }) => tail.setSizes(S),
    read: () => tail.read(),
    release: () => tail.release(),
  };
}
