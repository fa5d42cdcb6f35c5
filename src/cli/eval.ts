import { mkdirSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluate, formatTable, reportToJson, type TrackerSpec } from '../eval/report.ts';
import { writeReportPlots } from '../vis/plots.ts';
import { defaultDataRoot } from './paths.ts';

export const EVAL_HELP = `tadt eval [--dataset ROOT] [--results NAME=DIR ...] [--published DIR ...] [options]
  Scores result folders (<Seq>.txt, OTB 1-based x,y,w,h) against OTB ground truth, as the OTB toolkit and
  pysot do: success AUC (mean over 21 IoU thresholds, strict >), precision at 20 px, normalised precision at 0.2.
  --dataset ROOT       OTB-layout folder or otb2015.json (default: ../shared/data/otb when present)
  --results NAME=DIR   a tracker's result folder (repeatable; NAME= optional, defaults to the folder name)
  --published DIR      a folder of published OTB benchmark JSON results, e.g. .../otb-ope/MEEM (repeatable)
  --sequences A,B      only these sequences
  --per-seq            per-sequence rows
  --plots DIR          write success_plots.png and precision_plots.png
  --json               print the report as JSON`;

export async function evalCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      dataset: { type: 'string' },
      results: { type: 'string', multiple: true, default: [] },
      published: { type: 'string', multiple: true, default: [] },
      sequences: { type: 'string' },
      'per-seq': { type: 'boolean', default: false },
      plots: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const datasetRoot = values.dataset ?? defaultDataRoot('otb');
  const trackers: TrackerSpec[] = [
    ...values.results.map((r) => {
      const [name, dir] = r.includes('=') ? r.split(/=(.*)/s) : [basename(resolve(r)), r];
      return { name, resultsDir: dir };
    }),
    ...values.published.map((dir) => ({ name: basename(resolve(dir)), publishedDir: dir })),
  ];
  if (trackers.length === 0) throw new Error('tadt eval: give at least one --results or --published folder');
  const report = evaluate({ datasetRoot, trackers, sequences: values.sequences?.split(',') });
  if (values.json) console.log(reportToJson(report));
  else console.log(formatTable(report, { perSequence: values['per-seq'] }));
  if (values.plots) {
    mkdirSync(values.plots, { recursive: true });
    const plots = writeReportPlots(report, values.plots);
    if (!values.json) console.log(`plots: ${plots.success}, ${plots.precision}`);
  }
}

