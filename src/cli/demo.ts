import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeDemoSequence } from '../demo/synthetic-sequence.ts';
import { evaluate, formatTable, type TrackerSpec } from '../eval/report.ts';
import { writeReportPlots } from '../vis/plots.ts';
import { trackCommand } from './track.ts';

export const DEMO_HELP = `tadt demo [--dataset ROOT] [--out DIR] [--profile P] [--weights FILE]
  Without --dataset: generates a 60-frame sequence (a textured target that moves, scales and passes a
  look-alike distractor, exact ground truth), tracks it, and writes results, an annotated GIF, PNG frames,
  metrics and plots under --out (default results/demo). With --dataset: tracks every sequence there and
  compares with the published OTB results beside it (../shared/data/results/otb-ope) when present.`;

export async function demoCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      dataset: { type: 'string' },
      out: { type: 'string', default: join('results', 'demo') },
      profile: { type: 'string', default: 'official' },
      weights: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(DEMO_HELP);
    return;
  }
  const out = resolve(values.out);
  const resultsDir = join(out, 'TADT-webgpu');
  mkdirSync(out, { recursive: true });
  const passThrough = ['--profile', values.profile, '--out', resultsDir, ...(values.weights ? ['--weights', values.weights] : [])];
  let datasetRoot: string;
  if (values.dataset) {
    datasetRoot = resolve(values.dataset);
    await trackCommand([datasetRoot, '--all', '--overwrite', '--vis', join(out, 'frames'), ...passThrough]);
  } else {
    datasetRoot = join(out, 'sequences');
    const seq = await writeDemoSequence(join(datasetRoot, 'Demo'));
    console.log(`generated ${seq.frames.length} frames in ${seq.dir}`);
    await trackCommand([seq.dir, '--vis', join(out, 'frames'), '--video', join(out, 'demo.gif'), '--vis-response', ...passThrough]);
  }
  const trackers: TrackerSpec[] = [{ name: 'TADT-webgpu', resultsDir }];
  const published = resolve(datasetRoot, '..', 'results', 'otb-ope');
  if (values.dataset && existsSync(published)) {
    for (const name of ['MEEM', 'MUSTer', 'STRUCK']) {
      if (existsSync(join(published, name))) trackers.push({ name, publishedDir: join(published, name) });
    }
  }
  const report = evaluate({ datasetRoot, trackers });
  console.log(formatTable(report, { perSequence: true }));
  const plots = writeReportPlots(report, out);
  console.log(`\nresults: ${resultsDir}\nannotated frames: ${join(out, 'frames')}`);
  if (!values.dataset) console.log(`animation: ${join(out, 'demo.gif')}`);
  console.log(`plots: ${plots.success}, ${plots.precision}`);
}
