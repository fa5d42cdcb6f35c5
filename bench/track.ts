// npm run bench -- track [--frames N] [--dataset ROOT --sequence NAME] [--weights FILE] [--profile P] [--split-every K]
// End-to-end tracking speed: first-frame initialisation split by stage, per-frame time split by
// stage (every K-th frame is run stage by stage with a sync between stages; the others run as one
// submission, which is what FPS counts), FPS excluding decode, and the pool's GPU memory, early and
// late in the run, to show that time and memory stay flat.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateDemoSequence } from '../src/demo/synthetic-sequence.ts';
import type { Frame } from '../src/io/frame.ts';
import { loadFrame } from '../src/io/frame.ts';
import { openSequence } from '../src/io/sequence.ts';
import type { Engine } from '../src/runtime/engine.ts';
import { defaultConfig, type Profile } from '../src/tracker/config.ts';
import type { Box } from '../src/tracker/geometry.ts';
import { createTracker, type StageSeconds } from '../src/tracker/tadt.ts';
import { resolveWeights } from '../src/weights/resolve.ts';
import { round } from './harness.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

async function frames(values: Record<string, unknown>): Promise<{ name: string; box: Box; next: (i: number) => Promise<Frame>; count: number }> {
  const limit = Number(values.frames);
  if (values.dataset) {
    const seq = openSequence(join(String(values.dataset), String(values.sequence ?? 'Skiing')));
    const paths = seq.frames.slice(0, limit || undefined);
    // Decode everything up front: decode time is not part of the measure.
    const decoded = await Promise.all(paths.map((p) => loadFrame(p)));
    return { name: seq.name, box: seq.initBox, next: async (i) => decoded[i], count: decoded.length };
  }
  const demo = generateDemoSequence({ frames: limit || 60 });
  return { name: `demo ${demo.frames[0].width}x${demo.frames[0].height}`, box: demo.boxes[0], next: async (i) => demo.frames[i], count: demo.frames.length };
}

export async function run(engine: Engine, opts: { json: boolean; runs: number; argv: string[] }): Promise<void> {
  const { values } = parseArgs({
    args: opts.argv,
    strict: false,
    options: {
      frames: { type: 'string', default: '0' },
      dataset: { type: 'string' },
      sequence: { type: 'string' },
      weights: { type: 'string' },
      profile: { type: 'string', default: 'official' },
      'split-every': { type: 'string', default: '10' },
    },
  });
  const seq = await frames(values);
  const { weights, warning } = await resolveWeights({ weights: values.weights as string | undefined });
  if (warning && !opts.json) console.log(`# ${warning}`);
  const tracker = await createTracker(engine, { weights, config: defaultConfig(values.profile as Profile) });
  const splitEvery = Math.max(2, Number(values['split-every']));
  try {
    const t0 = performance.now();
    const init = await tracker.init(await seq.next(0), seq.box);
    const initMs = performance.now() - t0;
    const times: number[] = [];
    const splits: StageSeconds[] = [];
    const pool: { frame: number; bytes: number; buffers: number; pipelines: number }[] = [];
    for (let i = 1; i < seq.count; i++) {
      const frame = await seq.next(i);
      if (i % splitEvery === 0) {
        splits.push((await tracker.profileUpdate(frame)).seconds);
      } else {
        const t = performance.now();
        await tracker.update(frame);
        times.push(performance.now() - t);
      }
      if (i === 1 || i % 50 === 0 || i === seq.count - 1) {
        pool.push({ frame: i + 1, bytes: engine.pool.bytesInUse, buffers: engine.pool.buffersCreated, pipelines: engine.pipelines.created });
      }
    }
    const steady = times.slice(Math.min(2, times.length - 1));
    const stage = (k: keyof StageSeconds) => round(median(splits.map((s) => s[k])) * 1000, 2);
    const half = Math.floor(steady.length / 2);
    const report = {
      bench: 'track',
      sequence: seq.name,
      frames: seq.count,
      adapter: engine.adapterName,
      date: new Date().toISOString().slice(0, 10),
      profile: values.profile,
      syntheticWeights: weights.synthetic,
      initMs: round(initMs, 1),
      initSplitMs: Object.fromEntries(Object.entries(init.seconds).map(([k, v]) => [k, round(v * 1000, 1)])),
      frameMedianMs: round(median(steady), 1),
      frameP90Ms: round([...steady].sort((a, b) => a - b)[Math.floor(steady.length * 0.9)] ?? NaN, 1),
      fps: round(1000 / median(steady), 3),
      firstHalfMedianMs: round(median(steady.slice(0, half)), 1),
      secondHalfMedianMs: round(median(steady.slice(half)), 1),
      frameSplitMs: { upload: stage('upload'), crop: stage('crop'), backbone: stage('backbone'), correlation: stage('correlation'), readback: stage('readback') },
      poolBytesInUse: pool,
      peakPoolBytes: engine.pool.peakBytesInUse,
    };
    if (opts.json) {
      console.log(JSON.stringify(report));
      return;
    }
    console.log(`sequence ${report.sequence}, ${report.frames} frames, profile ${report.profile}${weights.synthetic ? ', SYNTHETIC weights' : ''}`);
    console.log(`init ${report.initMs} ms: ${Object.entries(report.initSplitMs).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`per frame (median, frames 4..N, one submission each): ${report.frameMedianMs} ms (p90 ${report.frameP90Ms}), ${report.fps} FPS excluding decode`);
    console.log(`per frame split (every ${splitEvery}th frame, synced per stage, ms): ${Object.entries(report.frameSplitMs).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`flat over the run: first half ${report.firstHalfMedianMs} ms, second half ${report.secondHalfMedianMs} ms`);
    for (const p of pool) console.log(`  frame ${p.frame}: pool ${(p.bytes / 2 ** 20).toFixed(1)} MiB in use, ${p.buffers} buffers created, ${p.pipelines} pipelines`);
    console.log(`peak pool ${(report.peakPoolBytes / 2 ** 20).toFixed(1)} MiB`);
  } finally {
    tracker.dispose();
  }
}
