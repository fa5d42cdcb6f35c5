import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resultPaths } from '../io/atomic.ts';
import { type Box, checkBoxSize, fromOneBased } from '../io/box.ts';
import { parseBoxList } from '../io/groundtruth.ts';
import { type DatasetEntry, type DatasetKind, openDataset, parseDatasetKind } from '../io/datasets/index.ts';
import { openSequence, type Sequence } from '../io/sequence.ts';
import { DEFAULT_QUEUE_NAME } from '../queue/job.ts';
import { createEngine } from '../host/node-engine.ts';
import type { Engine } from '../runtime/engine.ts';
import { defaultConfig, paperConfig, type Profile } from '../tracker/config.ts';
import type { SelectionOverride } from '../tracker/selection.ts';
import { createMultiTracker } from '../tracker/multi.ts';
import { createTracker } from '../tracker/tadt.ts';
import { resolveWeights } from '../weights/resolve.ts';
import { type RunOutputs, summaryLine, type SequenceRun, trackSequence } from './run-sequence.ts';
import { type TargetsRun, targetsSummary, trackTargets } from './track-targets.ts';
import { supervisedPaths, supervisedSummary, trackSupervised } from './track-supervised.ts';

export const TRACK_HELP = `tadt track <sequence-dir> [options]
tadt track <video-file> --box x,y,w,h [options]
tadt track <dataset-root> --all [options]
  Reads an OTB folder (img/0001.jpg + groundtruth_rect.txt), a VOT folder (color/ + groundtruth.txt, polygons
  become their bounding box), any folder of frames with --box, or a video file with --box (.mp4, .webm, .mov,
  .avi, .mkv: whatever ffmpeg reads; ffmpeg from TADT_FFMPEG, else PATH). Writes <out>/<Seq>.txt (x,y,w,h per
  frame, 1-based like OTB, line 1 = the initial box) and <Seq>_time.txt (seconds per frame); a video's <Seq>
  is its file name without the extension.
  With --all, ROOT is an OTB, VOT, GOT-10k split, LaSOT or UAV123 root (README: Datasets). GOT-10k results go
  to <out>/<seq>/<seq>_001.txt (got10k's layout); VOT roots run the supervised experiment, written as
  <out>/baseline/<seq>/<seq>_001.txt (1 = init, 2 = failure, 0 = skipped, else the box).
  --box x,y,w,h        initial box, 1-based (needed when there is no ground truth); repeat it to track several
                       targets at once, each written to <out>/<Seq>.<k>.txt (k = 1, 2, .. in the order given)
  --boxes FILE         several targets' initial boxes, one x,y,w,h per line (1-based), as repeated --box
  --weights FILE       MatConvNet imagenet-vgg-verydeep-16.mat or a converted .tadtw file
                       (default: the installed weights, else synthetic weights with a warning)
  --profile P          official (default: the authors' Matlab code) or pytorch-port
  --paper              the paper's printed values (50 iterations, 250 conv4_3 filters, 1.005)
  --select FILE        JSON {"conv4_1": [...], "conv4_3": [...], "balance": b} to inject a channel selection
  --selection MODE     ranking (default), regress-only or random
  --max-window N       clamp the search window side (default: no clamp, as the references)
  --start N --end N    1-based frame range (in a video: frame numbers, counted, never a seek by time)
  --out DIR            results folder (default results/)
  --all                every sequence under the root; existing results are kept unless --overwrite; a sequence
                       that fails is reported and the others go on (exit status 1 at the end)
  --layout L           with --all: otb, vot, got10k, lasot or uav123 (default: detected from the root)
  --experiment E       ope (one pass) or supervised (VOT's resets after failures); default: supervised on a
                       VOT root, ope otherwise
  --vis DIR            annotated PNG frames;  --video FILE.gif|.mp4 an animation;  --vis-response maps too
  --adapter NAME       pick a WebGPU adapter by name
  --quiet  --json
  --queue URL          with --all: one job per sequence on a BullMQ queue at URL (redis://HOST:PORT/N), tracked by
                       \`tadt worker\`s on other machines, results written here as above (tadt worker --help)
  --queue-name NAME    the queue's name (default ${DEFAULT_QUEUE_NAME}): one per dataset run sharing a server`;

export async function trackCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      box: { type: 'string', multiple: true },
      boxes: { type: 'string' },
      weights: { type: 'string' },
      profile: { type: 'string', default: 'official' },
      paper: { type: 'boolean', default: false },
      select: { type: 'string' },
      selection: { type: 'string', default: 'ranking' },
      'max-window': { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      out: { type: 'string', default: 'results' },
      all: { type: 'boolean', default: false },
      layout: { type: 'string' },
      experiment: { type: 'string' },
      overwrite: { type: 'boolean', default: false },
      vis: { type: 'string' },
      video: { type: 'string' },
      'vis-response': { type: 'boolean', default: false },
      adapter: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      queue: { type: 'string' },
      'queue-name': { type: 'string', default: DEFAULT_QUEUE_NAME },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.log(TRACK_HELP);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const profile = values.profile as Profile;
  if (profile !== 'official' && profile !== 'pytorch-port') throw new Error(`--profile ${profile}: use official or pytorch-port`);
  const config = values.paper ? paperConfig(profile) : defaultConfig(profile);
  if (values['max-window']) config.maxWindow = positiveInt('--max-window', values['max-window']);
  const selection = parseSelection(values.selection, values.select);
  const boxes = initBoxes(values.box, values.boxes);
  if (boxes.length > 1 && values.all) throw new Error('several targets (--box repeated or --boxes) are tracked in one sequence, not with --all');
  const open = {
    box: boxes[0],
    start: values.start ? positiveInt('--start', values.start) : undefined,
    end: values.end ? positiveInt('--end', values.end) : undefined,
  };
  if (values.queue !== undefined && !values.all) throw new Error(`--queue ${values.queue}: needs --all (it spreads a dataset's sequences over machines)`);
  // Inputs are checked before the weights and the GPU are set up (seconds), so that a typo fails at once.
  if (values.layout !== undefined && !values.all) throw new Error('--layout names the layout of a dataset root: use it with --all');
  const single = values.all ? null : openSequence(positionals[0], open);
  const dataset = single ? null : openDataset(positionals[0], values.layout === undefined ? undefined : parseDatasetKind(values.layout));
  const entries: DatasetEntry[] = single ? [{ name: single.name, dir: single.dir, open: {} }] : dataset!.entries;
  if (entries.length === 0) throw new Error(`${positionals[0]}: no sequence folders (frames plus a ground-truth file) inside`);
  const supervised = parseExperiment(values.experiment, dataset?.kind) === 'supervised';
  if (supervised && boxes.length > 1) throw new Error('several targets: the supervised experiment re-initialises one target from ground truth');
  if (supervised && (values.vis || values.video)) throw new Error('--vis and --video draw one-pass runs; not with the supervised experiment');
  const got10k = dataset?.kind === 'got10k' && !supervised;
  const layout = got10k ? 'got10k' : 'otb';
  const resultFile = (name: string) => (supervised ? supervisedPaths(values.out, name) : resultPaths(values.out, name, layout)).boxPath;
  const todo = entries.filter((e) => {
    if (single || values.overwrite || !existsSync(resultFile(e.name))) return true;
    if (!values.quiet) console.error(`${e.name}: found results, skipping (use --overwrite)`);
    return false;
  });
  if (todo.length === 0) return;
  if (values.queue !== undefined) {
    if (supervised) throw new Error('--queue runs the one-pass experiment; the supervised experiment (VOT roots) runs locally');
    // Loaded only here: a local run needs no queue client.
    const { trackOnQueue } = await import('./track-queue.ts');
    return trackOnQueue({
      url: values.queue, queueName: values['queue-name'], root: positionals[0], entries: todo, layout, open, config, selection,
      weights: values.weights, outDir: values.out, quiet: values.quiet,
      localOnly: (['vis', 'video', 'vis-response', 'json', 'adapter'] as const).filter((k) => values[k]).map((k) => `--${k}`),
    });
  }
  if (dataset && !values.quiet && !values.json) {
    const how = `${supervised ? 'supervised' : 'one-pass'} experiment`;
    console.error(`${dataset.root}: ${dataset.kind} layout, ${todo.length} of ${entries.length} sequences to track, ${how}`);
  }
  const weights = await resolveWeights({ weights: values.weights });
  if (weights.warning) console.error(`\n${weights.warning}\n`); // already a banner

  const engine = await createEngine({ adapter: values.adapter });
  const failed: string[] = [];
  try {
    for (const entry of todo) {
      try {
        // The entry's own ground-truth file: a folder with groundtruth_rect.1.txt and .2.txt is two sequences.
        const seq = single ?? openSequence(entry.dir, { ...open, ...entry.open });
        for (const note of seq.notes) if (!values.quiet) console.error(`${seq.name}: ${note}`);
        const trackerOptions = { weights: weights.weights, config, selection, responseMaps: values['vis-response'] };
        if (supervised) {
          const run = await withTracker(engine, trackerOptions, (tracker) => trackSupervised(tracker, seq, values.out));
          if (values.json) {
            console.log(JSON.stringify({
              sequence: run.name,
              frames: run.records.length,
              failures: run.failures,
              fps: run.fps,
              results: resolve(run.boxPath),
              adapter: engine.adapterName,
              syntheticWeights: weights.weights.synthetic,
            }));
          } else console.log(supervisedSummary(run, engine.adapterName));
          continue;
        }
        const outputs: RunOutputs & { outDir: string } = {
          outDir: values.out,
          layout,
          visDir: values.vis && (values.all ? join(values.vis, seq.name) : values.vis),
          video: values.video,
          visResponse: values['vis-response'],
          quiet: values.quiet || values.json,
        };
        if (boxes.length > 1) {
          const run = await trackMany(engine, trackerOptions, seq, [seq.initBox, ...boxes.slice(1).map(fromOneBased)], outputs);
          if (!values.quiet) for (const w of run.warnings) console.error(`${seq.name}: ${w}`);
          if (values.json) {
            const targets = run.targets.map((t) => ({ target: t.target, results: resolve(t.boxPath) }));
            console.log(JSON.stringify({ ...runJson(run), targets, adapter: engine.adapterName, syntheticWeights: weights.weights.synthetic }));
          } else console.log(targetsSummary(run, engine.adapterName));
          continue;
        }
        const run = await trackOne(engine, trackerOptions, seq, outputs);
        if (values.json) {
          console.log(JSON.stringify({
            ...runJson(run),
            auc: run.metrics?.auc ?? null,
            precision: run.metrics?.precision ?? null,
            results: run.boxPath && resolve(run.boxPath),
            video: run.video && {
              file: run.video.path,
              fps: run.video.fps,
              frameCount: run.video.frameCount,
              width: run.video.width,
              height: run.video.height,
            },
            adapter: engine.adapterName,
            syntheticWeights: weights.weights.synthetic,
          }));
        } else console.log(summaryLine(run, engine.adapterName));
      } catch (e) {
        if (single) throw e;
        // One broken sequence must not cost a dataset run the others; the exit status still tells.
        console.error(`tadt track: ${entry.name}: ${e instanceof Error ? e.message : String(e)}`);
        failed.push(entry.name);
      }
    }
  } finally {
    await engine.destroy();
  }
  if (failed.length > 0) throw new Error(`${failed.length} of ${todo.length} sequences failed (no results written): ${failed.join(', ')}`);
}

/** The JSON fields every tracked sequence reports. */
const runJson = (run: { name: string; frames: number; fps: number; initSeconds: number }) => ({
  sequence: run.name,
  frames: run.frames,
  fps: run.fps,
  initSeconds: run.initSeconds,
});

type TrackerOptions = Parameters<typeof createTracker>[1];

async function withTracker<T>(engine: Engine, options: TrackerOptions, use: (tracker: Awaited<ReturnType<typeof createTracker>>) => Promise<T>): Promise<T> {
  const tracker = await createTracker(engine, options);
  try {
    return await use(tracker);
  } finally {
    tracker.dispose();
  }
}

async function trackMany(engine: Engine, options: TrackerOptions, seq: Sequence, boxes: Box[], outputs: RunOutputs & { outDir: string }): Promise<TargetsRun> {
  const tracker = await createMultiTracker(engine, options);
  try {
    return await trackTargets(tracker, seq, boxes, outputs);
  } finally {
    tracker.dispose();
  }
}

const trackOne = (engine: Engine, options: TrackerOptions, seq: Sequence, outputs: Parameters<typeof trackSequence>[2]): Promise<SequenceRun> =>
  withTracker(engine, options, (tracker) => trackSequence(tracker, seq, outputs));


function parseExperiment(text: string | undefined, kind: DatasetKind | undefined): 'ope' | 'supervised' {
  if (text === undefined) return kind === 'vot' ? 'supervised' : 'ope';
  if (text !== 'ope' && text !== 'supervised') throw new Error(`--experiment ${text}: use ope or supervised`);
  return text;
}

function positiveInt(name: string, text: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} ${text}: expected a positive integer`);
  return v;
}

/** The 1-based boxes of --box (any number of times) or --boxes FILE, each checked before any GPU work. */
function initBoxes(box: string[] | undefined, file: string | undefined): Box[] {
  if (box && file) throw new Error('--box and --boxes both give initial boxes: use one of them');
  const boxes = file ? parseBoxList(readFileSync(file, 'utf8'), file) : (box ?? []).map(parseBox);
  boxes.forEach((b, k) => checkBoxSize(b, boxes.length > 1 ? `init box of target ${k + 1} (1-based)` : 'init box (1-based)'));
  return boxes;
}

/** "x,y,w,h" (1-based, like OTB files) or with spaces. */
export function parseBox(text: string): Box {
  const v = text.split(/[,\s]+/).filter(Boolean).map(Number);
  if (v.length !== 4 || !v.every(Number.isFinite)) throw new Error(`--box ${text}: expected x,y,w,h`);
  return v as Box;
}

function parseSelection(mode: string, file: string | undefined): SelectionOverride | undefined {
  if (file) {
    const json = JSON.parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(json.conv4_1) || !Array.isArray(json.conv4_3)) {
      throw new Error(`--select ${file}: expected {"conv4_1": [...], "conv4_3": [...], "balance"?: number}`);
    }
    return { mode: 'explicit', conv41: json.conv4_1, conv43: json.conv4_3, balance: json.balance };
  }
  if (mode === 'ranking') return undefined;
  if (mode === 'regress-only' || mode === 'random') return { mode };
  throw new Error(`--selection ${mode}: use ranking, regress-only or random`);
}
