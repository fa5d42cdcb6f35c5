import { mkdirSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluate, formatTable, reportToJson, type TrackerSpec } from '../eval/report.ts';
import { EAO_RANGES, type EaoRange } from '../eval/vot.ts';
import { evaluateVot, formatVotTable } from '../eval/vot-report.ts';
import { type DatasetKind, detectDataset, parseDatasetKind } from '../io/datasets/index.ts';
import { writeReportPlots } from '../vis/plots.ts';
import { defaultDataRoot } from './paths.ts';

export const EVAL_HELP = `tadt eval [--dataset ROOT] [--results NAME=DIR ...] [--published DIR ...] [options]
  Scores result folders against a dataset's ground truth.
  OTB, LaSOT, UAV123, GOT-10k (one-pass): success AUC (mean over 21 IoU thresholds, strict >), precision at
  20 px, normalised precision at 0.2, as the OTB toolkit and pysot; GOT-10k val also AO, SR0.5, SR0.75 (got10k).
  VOT (supervised results, 1/2/0 codes): accuracy, robustness, lost number and EAO, as pysot.
  --dataset ROOT       dataset root or otb2015.json (default: ../shared/data/otb when present)
  --layout L           otb, vot, got10k, lasot or uav123 (default: detected from ROOT, and printed)
  --results NAME=DIR   a tracker's result folder (repeatable; NAME= optional, defaults to the folder name):
                       <Seq>.txt, or <Seq>/<Seq>_001.txt (GOT-10k), or baseline/<seq>/<seq>_001.txt (VOT)
  --published DIR      a folder of published OTB benchmark JSON results, e.g. .../otb-ope/MEEM (repeatable)
  --vot-year Y         VOT edition whose EAO sequence-length range to use: 2015, 2016 [108,371], 2017, 2018
                       [100,356], 2019 [46,291] (default: a year in ROOT's name, e.g. .../VOT2016)
  --eao-range LO,HI    any other range
  --sequences A,B      only these sequences
  --per-seq            per-sequence rows
  --plots DIR          write success_plots.png and precision_plots.png (one-pass layouts)
  --json               print the report as JSON`;

export async function evalCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      dataset: { type: 'string' },
      layout: { type: 'string' },
      results: { type: 'string', multiple: true, default: [] },
      published: { type: 'string', multiple: true, default: [] },
      'vot-year': { type: 'string' },
      'eao-range': { type: 'string' },
      sequences: { type: 'string' },
      'per-seq': { type: 'boolean', default: false },
      plots: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const datasetRoot = values.dataset ?? defaultDataRoot('otb');
  const layout = chooseLayout(datasetRoot, values.layout);
  const results = values.results.map((r) => {
    const [name, dir] = r.includes('=') ? r.split(/=(.*)/s) : [basename(resolve(r)), r];
    return { name, resultsDir: dir };
  });
  const trackers: TrackerSpec[] = [...results, ...values.published.map((dir) => ({ name: basename(resolve(dir)), publishedDir: dir }))];
  if (trackers.length === 0) throw new Error('tadt eval: give at least one --results or --published folder');
  const sequences = values.sequences?.split(',');
  if (!values.json) console.log(`${datasetRoot}: ${layout} layout${values.layout ? '' : ' (detected; --layout to choose)'}`);

  if (layout === 'vot') {
    if (values.published.length > 0) throw new Error('--published: the OTB benchmark JSON files are one-pass results; VOT needs supervised runs');
    if (values.plots) throw new Error('--plots: success and precision plots are for one-pass layouts, not VOT');
    const eaoRange = chooseEaoRange(datasetRoot, values['vot-year'], values['eao-range']);
    const report = await evaluateVot({ datasetRoot, trackers: results, eaoRange, sequences });
    console.log(values.json ? JSON.stringify(report, null, 2) : formatVotTable(report, { perSequence: values['per-seq'] }));
    return;
  }
  const report = evaluate({ datasetRoot, layout, trackers, sequences });
  if (values.json) console.log(reportToJson(report));
  else console.log(formatTable(report, { perSequence: values['per-seq'] }));
  if (values.plots) {
    mkdirSync(values.plots, { recursive: true });
    const plots = writeReportPlots(report, values.plots);
    if (!values.json) console.log(`plots: ${plots.success}, ${plots.precision}`);
  }
}

/** An otb2015.json-style file is OTB; a folder is what --layout says or what it looks like. */
function chooseLayout(root: string, given: string | undefined): DatasetKind {
  if (given !== undefined) return parseDatasetKind(given);
  return statSync(root, { throwIfNoEntry: false })?.isFile() ? 'otb' : detectDataset(root);
}

function chooseEaoRange(root: string, year: string | undefined, range: string | undefined): EaoRange {
  if (range !== undefined) {
    const v = range.split(',').map(Number);
    if (v.length !== 2 || !v.every(Number.isInteger) || v[0] < 1 || v[1] < v[0]) throw new Error(`--eao-range ${range}: expected LO,HI with 1 <= LO <= HI`);
    return [v[0], v[1]];
  }
  const edition = year ?? /vot-?(20\d\d)/i.exec(resolve(root))?.[1];
  if (edition === undefined) throw new Error(`${root}: say which VOT edition's EAO range to use: --vot-year 2015..2019 or --eao-range LO,HI`);
  const known = EAO_RANGES[edition];
  if (!known) throw new Error(`VOT${edition}: no EAO range known (${Object.keys(EAO_RANGES).join(', ')}); give --eao-range LO,HI`);
  return known;
}
