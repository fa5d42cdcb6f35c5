// npm run bench -- track [--frames N] [--dataset ROOT --sequence NAME] [--weights FILE] [--profile P] [--split-frames K]
// npm run bench -- track --targets 1,2,4,8 [--frames N]: several targets, batched vs independent (track-targets.ts)
// End-to-end tracking speed: first-frame initialisation split by stage; the sequence tracked with
// runSequence (one submission per frame, which is what FPS counts), FPS excluding decode, and the
// pool's GPU memory early and late in the run, to show that time and memory stay flat; then a
// second pass over the first K frames with each stage timed apart (profileUpdate).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateDemoSequence } from '../src/demo/synthetic-sequence.ts';
import type { Frame } from '../src/io/frame.ts';
import { loadFrame } from '../src/io/frame.ts';
import { openSequence } from '../src/io/sequence.ts';
import type { Engine } from '../src/runtime/engine.ts';
import { defaultConfig, type Profile } from '../src/tracker/config.ts';
import type { Box } from '../src/io/box.ts';
import { profileUpdate } from '../src/tracker/profiling.ts';
import { runSequence } from '../src/tracker/run-sequence.ts';
import { createTracker, type StageSeconds } from '../src/tracker/tadt.ts';
import { resolveWeights } from '../src/weights/resolve.ts';
import { processCpuMsPerCore } from './machine.ts';
import { round } from './round.ts';
import { parseCounts, SCALING_HEADER, scaling } from './track-targets.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

async function frames(values: Record<string, unknown>): Promise<{ name: string; box: Box; frames: Frame[] }> {
  const limit = Number(values.frames);
  if (values.dataset) {
    const seq = openSequence(join(String(values.dataset), String(values.sequence ?? 'Skiing')));
    const paths = seq.frames.slice(0, limit || undefined);
    // Decode everything up front: decode time is not part of the measure.
    const decoded = await Promise.all(paths.map((p) => loadFrame(p)));
    return { name: seq.name, box: seq.initBox, frames: decoded };
  }
  const demo = generateDemoSequence({ frames: limit || 60 });
  return { name: `demo ${demo.frames[0].width}x${demo.frames[0].height}`, box: demo.boxes[0], frames: demo.frames };
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
      'split-frames': { type: 'string', default: '20' },
      targets: { type: 'string' },
    },
  });
  if (values.targets && values.frames === '0') values.frames = '6';
  const seq = await frames(values);
  const { weights, warning } = await resolveWeights({ weights: values.weights as string | undefined });
  if (warning && !opts.json) console.log(`# ${warning}`);
  if (typeof values.targets === 'string') {
    if (!opts.json) console.log([`# ${seq.name}, ${seq.frames.length} frames (median of frames 3..N)`, ...SCALING_HEADER].join('\n'));
    return scaling(engine, { json: opts.json, weights, frames: seq.frames, box: seq.box, counts: parseCounts(values.targets) });
  }
  const tracker = await createTracker(engine, { weights, config: defaultConfig(values.profile as Profile) });
  const splitFrames = Math.max(2, Number(values['split-frames']));
  try {
    const pool: { frame: number; bytes: number; buffers: number; pipelines: number }[] = [];
    const count = seq.frames.length;
    const cpuMs: number[] = [];
    let cpu0 = processCpuMsPerCore();
    const run = await runSequence(tracker, seq.frames, seq.box, {
      onFrame: ({ index }) => {
        const cpu = processCpuMsPerCore();
        cpuMs.push(cpu - cpu0);
        cpu0 = cpu;
        if (index === 1 || (index + 1) % 50 === 0 || index === count - 1) {
          pool.push({ frame: index + 1, bytes: engine.pool.bytesInUse, buffers: engine.pool.buffersCreated, pipelines: engine.pipelines.created });
        }
      },
    });
    const init = run.init;
    const initMs = run.seconds[0] * 1000;
    const times = run.seconds.slice(1).map((s) => s * 1000);
    const splits: StageSeconds[] = [];
    await tracker.init(seq.frames[0], seq.box);
    for (const frame of seq.frames.slice(1, splitFrames + 1)) splits.push((await profileUpdate(tracker, frame)).seconds);
    const steady = times.slice(Math.min(2, times.length - 1));
    const stage = (k: keyof StageSeconds) => round(median(splits.map((s) => s[k])) * 1000, 2);
    const half = Math.floor(steady.length / 2);
    const report = {
      bench: 'track',
      sequence: seq.name,
      frames: count,
      adapter: engine.adapterName,
      date: new Date().toISOString().slice(0, 10),
      profile: values.profile,
      syntheticWeights: weights.synthetic,
      initMs: round(initMs, 1),
      initSplitMs: Object.fromEntries(Object.entries(init.seconds).map(([k, v]) => [k, round(v * 1000, 1)])),
      frameMedianMs: round(median(steady), 1),
      frameCpuMsPerCore: round(median(cpuMs.slice(1 + Math.min(2, times.length - 1))), 1),
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
    console.log(`per frame (median, frames 4..N, one submission each): ${report.frameMedianMs} ms (p90 ${report.frameP90Ms}), ${report.fps} FPS excluding decode; process CPU ${report.frameCpuMsPerCore} ms per core`);
    console.log(`per frame split (frames 2..${splits.length + 1} again, ${engine.hasTimestamps ? 'GPU timestamps per stage' : 'synced per stage'}, ms): ${Object.entries(report.frameSplitMs).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`flat over the run: first half ${report.firstHalfMedianMs} ms, second half ${report.secondHalfMedianMs} ms`);
    for (const p of pool) console.log(`  frame ${p.frame}: pool ${(p.bytes / 2 ** 20).toFixed(1)} MiB in use, ${p.buffers} buffers created, ${p.pipelines} pipelines`);
    console.log(`peak pool ${(report.peakPoolBytes / 2 ** 20).toFixed(1)} MiB`);
  } finally {
    tracker.dispose();
  }
}
