import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Box } from '../io/box.ts';
import { listSequences, openSequence, type SequenceEntry } from '../io/sequence.ts';
import { DEFAULT_QUEUE_NAME } from '../queue/job.ts';
import { createEngine, type Engine } from '../runtime/engine.ts';
import { defaultConfig, paperConfig, type Profile } from '../tracker/config.ts';
import type { SelectionOverride } from '../tracker/selection.ts';
import { createTracker } from '../tracker/tadt.ts';
import { resolveWeights } from '../weights/resolve.ts';
import { summaryLine, type SequenceRun, trackSequence } from './run-sequence.ts';

export const TRACK_HELP = `tadt track <sequence-dir> [options]
tadt track <dataset-root> --all [options]
  Reads an OTB folder (img/0001.jpg + groundtruth_rect.txt), a VOT folder (color/ + groundtruth.txt, polygons
  become their bounding box) or any folder of frames with --box. Writes <out>/<Seq>.txt (x,y,w,h per frame,
  1-based like OTB, line 1 = the initial box) and <Seq>_time.txt (seconds per frame).
  --box x,y,w,h        initial box, 1-based (needed when there is no ground truth)
  --weights FILE       MatConvNet imagenet-vgg-verydeep-16.mat or a converted .tadtw file
                       (default: the installed weights, else synthetic weights with a warning)
  --profile P          official (default: the authors' Matlab code) or pytorch-port
  --paper              the paper's printed values (50 iterations, 250 conv4_3 filters, 1.005)
  --select FILE        JSON {"conv4_1": [...], "conv4_3": [...], "balance": b} to inject a channel selection
  --selection MODE     ranking (default), regress-only or random
  --max-window N       clamp the search window side (default: no clamp, as the references)
  --start N --end N    1-based frame range
  --out DIR            results folder (default results/)
  --all                every sequence under the root; existing results are kept unless --overwrite; a sequence
                       that fails is reported and the others go on (exit status 1 at the end)
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
      box: { type: 'string' },
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
  const open = {
    box: values.box ? parseBox(values.box) : undefined,
    start: values.start ? positiveInt('--start', values.start) : undefined,
    end: values.end ? positiveInt('--end', values.end) : undefined,
  };
  if (values.queue !== undefined && !values.all) throw new Error(`--queue ${values.queue}: needs --all (it spreads a dataset's sequences over machines)`);
  // Inputs are checked before the weights and the GPU are set up (seconds), so that a typo fails at once.
  const single = values.all ? null : openSequence(positionals[0], open);
  const entries: SequenceEntry[] = single ? [{ name: single.name, dir: single.dir, gtFile: '' }] : listSequences(positionals[0]);
  if (entries.length === 0) throw new Error(`${positionals[0]}: no sequence folders (frames plus a ground-truth file) inside`);
  const todo = entries.filter((e) => {
    if (single || values.overwrite || !existsSync(join(values.out, `${e.name}.txt`))) return true;
    if (!values.quiet) console.error(`${e.name}: found results, skipping (use --overwrite)`);
    return false;
  });
  if (todo.length === 0) return;
  if (values.queue !== undefined) {
    // Loaded only here: a local run needs no queue client.
    const { trackOnQueue } = await import('./track-queue.ts');
    return trackOnQueue({
      url: values.queue, queueName: values['queue-name'], root: positionals[0], entries: todo, open, config, selection,
      weights: values.weights, outDir: values.out, quiet: values.quiet,
      localOnly: (['vis', 'video', 'vis-response', 'json', 'adapter'] as const).filter((k) => values[k]).map((k) => `--${k}`),
    });
  }
  const weights = await resolveWeights({ weights: values.weights });
  if (weights.warning) console.error(`\n${weights.warning}\n`); // already a banner

  const engine = await createEngine({ adapter: values.adapter });
  const failed: string[] = [];
  try {
    for (const entry of todo) {
      try {
        // The entry's own ground-truth file: a folder with groundtruth_rect.1.txt and .2.txt is two sequences.
        const seq = single ?? openSequence(entry.dir, { ...open, gtFile: entry.gtFile });
        for (const note of seq.notes) if (!values.quiet) console.error(`${seq.name}: ${note}`);
        const run = await trackOne(engine, { weights: weights.weights, config, selection, responseMaps: values['vis-response'] }, seq, {
          outDir: values.out,
          visDir: values.vis && (values.all ? join(values.vis, seq.name) : values.vis),
          video: values.video,
          visResponse: values['vis-response'],
          quiet: values.quiet || values.json,
        });
        if (values.json) {
          console.log(JSON.stringify({
            sequence: run.name,
            frames: run.frames,
            fps: run.fps,
            initSeconds: run.initSeconds,
            auc: run.metrics?.auc ?? null,
            precision: run.metrics?.precision ?? null,
            results: run.boxPath && resolve(run.boxPath),
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

async function trackOne(
  engine: Engine,
  options: Parameters<typeof createTracker>[1],
  seq: ReturnType<typeof openSequence>,
  outputs: Parameters<typeof trackSequence>[2],
): Promise<SequenceRun> {
  const tracker = await createTracker(engine, options);
  try {
    return await trackSequence(tracker, seq, outputs);
  } finally {
    tracker.dispose();
  }
}

function positiveInt(name: string, text: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} ${text}: expected a positive integer`);
  return v;
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
