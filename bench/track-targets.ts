// npm run bench -- track --targets 1,2,4,8 [--frames N]
// Several targets: per-frame time and pool memory for N targets in one multi-target tracker (their
// windows batched through the backbone, one submission a frame) against N independent trackers
// on the same engine (N submissions a frame), on the same generated frames. The targets are the
// demo's box and copies of it moved around the frame: the same size, so the same rescale and a
// 180-px window each (the usual case). Only per-frame cost is measured: the first-frame model is
// trained with 10 ridge iterations to keep the bench short (it does not change per-frame work).
// A second pass over the frames times the correlation stage (gather, pyramid, xcorr, response tail)
// apart, with GPU timestamps: batched, one dispatch of each for all targets; independent, summed
// over the trackers.
import type { Box } from '../src/io/box.ts';
import type { Frame } from '../src/io/frame.ts';
import type { Engine } from '../src/runtime/engine.ts';
import { defaultConfig, type TadtConfig } from '../src/tracker/config.ts';
import { createMultiTracker } from '../src/tracker/multi.ts';
import { profileTargets, profileUpdate } from '../src/tracker/profiling.ts';
import { createTracker, type Tracker } from '../src/tracker/tadt.ts';
import type { VggWeights } from '../src/weights/vgg.ts';
import { round } from './round.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** N boxes: the demo's, then copies shifted on a grid so that their windows differ. */
function targetBoxes(first: Box, n: number, frame: Frame): Box[] {
  const [x, y, w, h] = first;
  return Array.from({ length: n }, (_, k): Box => {
    const dx = ((k % 4) * frame.width) / 4;
    const dy = (Math.floor(k / 4) * frame.height) / 3;
    return [(x + dx) % (frame.width - w), (y + dy) % (frame.height - h), w, h];
  });
}

interface Row {
  targets: number;
  batchedMs: number;
  independentMs: number;
  ratio: number;
  batchedMiB: number;
  independentMiB: number;
  batchedCorrelationMs: number;
  independentCorrelationMs: number;
}

/**
 * Both setups live at once on the engine and take turns frame by frame, so that a change in the
 * machine's load during the run falls on both alike (the development machines are shared).
 */
async function compare(engine: Engine, weights: VggWeights, config: TadtConfig, frames: Frame[], boxes: Box[]) {
  const trackers: Tracker[] = [];
  let base = engine.pool.bytesInUse;
  const multi = await createMultiTracker(engine, { weights, config });
  try {
    await multi.init(frames[0], boxes);
    const batchedBytes = engine.pool.bytesInUse - base;
    base = engine.pool.bytesInUse;
    for (const box of boxes) {
      const t = await createTracker(engine, { weights, config });
      trackers.push(t);
      await t.init(frames[0], box);
    }
    const independentBytes = engine.pool.bytesInUse - base;
    const ms = { batched: [] as number[], independent: [] as number[] };
    for (const frame of frames.slice(1)) {
      let t0 = performance.now();
      await multi.update(frame);
      ms.batched.push(performance.now() - t0);
      t0 = performance.now();
      for (const t of trackers) await t.update(frame);
      ms.independent.push(performance.now() - t0);
    }
    const correlation = { batched: [] as number[], independent: [] as number[] };
    for (const frame of frames.slice(2)) {
      correlation.batched.push((await profileTargets(multi, frame)).seconds.correlation * 1000);
      let sum = 0;
      for (const t of trackers) sum += (await profileUpdate(t, frame)).seconds.correlation * 1000;
      correlation.independent.push(sum);
    }
    // The first update after init compiles lazily on lavapipe: warm-up, not measured.
    return {
      batched: { ms: median(ms.batched.slice(1)), bytes: batchedBytes, correlationMs: median(correlation.batched) },
      independent: { ms: median(ms.independent.slice(1)), bytes: independentBytes, correlationMs: median(correlation.independent) },
    };
  } finally {
    multi.dispose();
    for (const t of trackers) t.dispose();
  }
}

export async function scaling(engine: Engine, opts: { json: boolean; weights: VggWeights; frames: Frame[]; box: Box; counts: number[] }): Promise<void> {
  const config = defaultConfig();
  config.ridge.iterations = 10;
  const rows: Row[] = [];
  const mib = (b: number) => round(b / 2 ** 20, 1);
  for (const n of opts.counts) {
    const boxes = targetBoxes(opts.box, n, opts.frames[0]);
    const { batched: a, independent: b } = await compare(engine, opts.weights, config, opts.frames, boxes);
    rows.push({
      targets: n, batchedMs: round(a.ms, 1), independentMs: round(b.ms, 1), ratio: round(a.ms / b.ms, 3), batchedMiB: mib(a.bytes), independentMiB: mib(b.bytes),
      batchedCorrelationMs: round(a.correlationMs, 2), independentCorrelationMs: round(b.correlationMs, 2),
    });
    if (!opts.json) {
      const r = rows.at(-1)!;
      console.log(`| ${n} | ${r.batchedMs} | ${r.independentMs} | ${r.ratio} | ${r.batchedMiB} | ${r.independentMiB} | ${r.batchedCorrelationMs} | ${r.independentCorrelationMs} |`);
    }
  }
  if (opts.json) console.log(JSON.stringify({ bench: 'track-targets', adapter: engine.adapterName, frames: opts.frames.length, rows }));
}

/** "1,2,4,8" -> [1, 2, 4, 8]. */
export function parseCounts(text: string): number[] {
  const counts = text.split(',').map(Number);
  if (!counts.every((n) => Number.isInteger(n) && n >= 1)) throw new Error(`--targets ${text}: expected positive whole numbers, e.g. 1,2,4,8`);
  return counts;
}

export const SCALING_HEADER = [
  '| targets | batched ms/frame | independent ms/frame | batched / independent | batched pool MiB | independent pool MiB | batched correlation ms | independent correlation ms |',
  '|---|---|---|---|---|---|---|---|',
];
