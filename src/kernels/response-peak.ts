import type { Dispatch } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import type { Tensor } from '../runtime/tensor.ts';
import { Uniforms } from '../runtime/uniforms.ts';
import { hann, type ResizeProfile } from '../reference/interp.ts';
import { type Peak, responseTaps } from '../reference/response-peak.ts';

export type { Peak };

/** Workgroup size and count per pass (see shaders/response-peak.wgsl). */
const PASSES = [
  { WG: 64, groups: 1 },
  { WG: 16, groups: 64 },
  { WG: 8, groups: 256 },
  { WG: 64, groups: 1 },
];
const SEGMENT = 32;
const PIXEL_WG = PASSES[2].WG;

export interface PeakReadout {
  /** Per pyramid level: max of map + window (scale weight not applied), first argmax, 0-based. */
  peaks: [Peak, Peak, Peak];
  /** Global max of the raw xcorr maps. */
  globalMax: number;
  /** False when globalMax <= 0 and the maps were left undivided. */
  normalised: boolean;
}

/** Axis table: per output index, (base, hann, 0, 0) then the weights padded to a multiple of 4. */
function axisTable(F: number, S: number, profile: ResizeProfile): { table: Float32Array; K4: number } {
  const taps = responseTaps(F, S, profile);
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
 * dispatches; the readback is 48 bytes. Per frame: `await setSize(S)` (writes an S-entry tap
 * table and the uniforms; grows buffers, rebuilding `steps`, only when S passes the largest side
 * so far), run `steps`, then `read()`. Scale weights and the choice of scale stay with the caller.
 */
export class ResponsePeak {
  steps: Dispatch[] = [];
  /** Largest S the rows buffer holds, and vec4 entries the tap table holds. */
  private capacity = { S: 0, axis: 0 };
  private buffers: Tensor[] = [];
  private size = 0;
  private readonly result: Tensor<'u32'>;
  private readonly partials: Tensor<'u32'>;

  constructor(
    private readonly engine: Engine,
    private readonly maps: Tensor<'f32'>,
    readonly F: number,
    readonly profile: ResizeProfile,
  ) {
    this.result = engine.tensor([12], 'response-peak result', 'u32');
    this.partials = engine.tensor([PASSES[2].groups * 3 * 2], 'response-peak partials', 'u32');
  }

  get S(): number {
    return this.size;
  }

  async setSize(S: number): Promise<void> {
    if (S * S > 0xffffffff) throw new RangeError(`response-peak: S = ${S} overflows the 32-bit pixel index`);
    // Most frames keep the window: the table and uniforms written last time still hold.
    if (S === this.size) return;
    const { table, K4 } = axisTable(this.F, S, this.profile);
    if (S > this.capacity.S || table.length / 4 > this.capacity.axis) {
      // Headroom so that a slowly growing window does not rebuild every frame.
      const grown = Math.max(S, Math.ceil(this.capacity.S * 1.25));
      await this.grow(grown, Math.max(table.length / 4, grown * (1 + K4), this.capacity.axis));
    }
    this.buffers[0].write(table);
    const tilesX = Math.ceil(S / SEGMENT);
    const uniforms = new Uniforms(8)
      .u32(S)
      .u32(this.F)
      .u32(K4)
      .u32(this.profile === 'official' ? 1 : 0)
      .u32(SEGMENT)
      .u32(tilesX)
      .u32(Math.ceil(S / PIXEL_WG) * tilesX)
      .u32(PASSES[2].groups).bytes;
    for (const d of this.steps) d.setUniforms(uniforms);
    this.size = S;
  }

  async read(): Promise<PeakReadout> {
    const words = await this.result.read();
    const floats = new Float32Array(words.buffer, words.byteOffset, words.length);
    const peak = (s: number): Peak => ({ max: floats[s * 3], y: words[s * 3 + 1], x: words[s * 3 + 2] });
    return { peaks: [peak(0), peak(1), peak(2)], globalMax: floats[9], normalised: floats[9] > 0 };
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
    const placeholder = new Uniforms(8).u32(0).u32(0).u32(0).u32(0).u32(0).u32(0).u32(0).u32(0).bytes;
    this.steps = await Promise.all(
      PASSES.map(({ WG, groups }, PASS) =>
        this.engine.prepare({
          op: `response-peak pass ${PASS}`,
          shader: 'response-peak',
          constants: { PASS, WG },
          buffers: [this.maps, axis, rows, this.partials, this.result],
          uniforms: placeholder,
          workgroups: [groups],
          shapes: `3x${this.F}x${this.F} -> S <= ${S}`,
        }),
      ),
    );
  }
}

export async function responsePeak(engine: Engine, maps: Tensor<'f32'>, profile: ResizeProfile, S: number): Promise<ResponsePeak> {
  const [n, F, F2] = maps.shape;
  if (maps.dtype !== 'f32' || maps.shape.length !== 3 || n !== 3 || F !== F2 || !(F > 0)) {
    throw new RangeError(`response-peak: expected maps [3, F, F], got [${maps.shape}]`);
  }
  const peak = new ResponsePeak(engine, maps, F, profile);
  await peak.setSize(S);
  return peak;
}
