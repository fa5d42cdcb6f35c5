// Tracks the reference sequences with the pytorch-port profile and the shared synthetic weights, and
// compares every recorded step with the PyTorch port's run (issue 5's acceptance).
//   npx tsx scripts/reference-agreement.ts [--sequences A,B] [--frames N] [--inject | --own] [--weights F] [--json]
// Default: all five sequences, whole, both with the port's channel selection injected and with our own.
import { readSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  loadReference,
  REFERENCE_SEQUENCES,
  type RankingAgreement,
  type SequenceAgreement,
  type SetDifference,
  TOLERANCE,
  trackAgainstReference,
} from '../src/eval/reference.ts';
import { sharedPath } from '../src/eval/shared-data.ts';
import { createEngine } from '../src/host/node-engine.ts';
import { withFile } from '../src/weights/files.ts';
import { looksLikeMat } from '../src/weights/mat.ts';
import { resolveWeights } from '../src/weights/resolve.ts';
import { readVggMat } from '../src/weights/mat-file.ts';
import type { VggWeights } from '../src/weights/vgg.ts';

const HELP = `npx tsx scripts/reference-agreement.ts [options]
  --sequences A,B   reference sequences (default ${REFERENCE_SEQUENCES.join(',')})
  --frames N        track frames 1..N only (default: whole sequences)
  --inject          only the run with the port's channel selection and balance factor injected
  --own             only the run with our own selection (default: both runs)
  --weights FILE    MatConvNet .mat or .tadtw cache (default shared/weights/vgg16-synthetic-conv4.mat)
  --adapter NAME    WebGPU adapter
  --json            one JSON document instead of the table`;

/** A .mat is read directly, so nothing is converted into the user's weights cache. */
function loadWeights(path: string): Promise<VggWeights> | VggWeights {
  const head = withFile(path, (m) => new Error(`${path}: ${m}`), (fd) => {
    const b = Buffer.alloc(128);
    return b.subarray(0, readSync(fd, b, 0, 128, 0));
  });
  return looksLikeMat(head) ? readVggMat(path) : resolveWeights({ weights: path }).then((r) => r.weights);
}

const exp = (v: number) => (v === 0 ? '0' : v.toExponential(1));
const rankCell = (r: RankingAgreement) =>
  `${r.overlap}/${r.n} ${r.swaps === 0 ? 'same' : `${r.swaps} swapped, first beyond tie @${r.firstDisagreement ?? '-'}, gap ${exp(r.maxSwapGap)}`}`;
const setCell = (d: SetDifference) => `+${d.extra.length}/-${d.missing.length}`;

function pad(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()).join('\n');
}

function agreementTable(runs: SequenceAgreement[]): string {
  const rows = [
    ['sequence', 'selection', 'ridge rank conv4_1 top80', 'conv4_3 top300', 'sel41', 'sel43', 'balance ours / ref (rel)', 'near-tie', 'before tie', 'overall', 'first divergence'],
    ...runs.map((r) => [
      r.sequence,
      r.injected ? 'injected' : 'own',
      rankCell(r.init.ranking41),
      rankCell(r.init.ranking43),
      setCell(r.init.selection41),
      setCell(r.init.selection43),
      `${r.init.balance.ours.toFixed(6)} / ${r.init.balance.ref.toFixed(6)} (${exp(r.init.balance.relative)})`,
      r.nearTie === null ? '-' : `frame ${r.nearTie}`,
      `${r.matchedBeforeTie}/${r.framesBeforeTie}`,
      `${r.matched}/${r.frames.length}`,
      r.firstDivergence === null ? '-' : `frame ${r.firstDivergence}`,
    ]),
  ];
  return pad(rows);
}

function diagnostics(r: SequenceAgreement): string {
  const i = r.init;
  const lines = [
    `${r.sequence} (${r.injected ? 'injected' : 'own'}): template ${i.template.ours.join('x')} (ref ${i.template.ref.join('x')}), ` +
      `ridge v>0 ${i.ridgePositive.ours.join('/')} (ref ${i.ridgePositive.ref.join('/')}), ` +
      `ridge last loss ${i.ridgeLastLoss.ours.map((v) => v.toPrecision(6)).join('/')} (ref ${i.ridgeLastLoss.ref.map((v) => v.toPrecision(6)).join('/')}), ` +
      `max v rel err ${exp(i.ranking41.maxVRelative)}/${exp(i.ranking43.maxVRelative)}, ` +
      `rank K ${i.rankK.ours.toPrecision(6)} (ref ${i.rankK.ref.toPrecision(6)}), rank mask ${i.rankPositive.ours} (ref ${i.rankPositive.ref}), ` +
      `B41/B43 ${i.balance.b41.toFixed(3)}/${i.balance.b43.toFixed(3)} (ref ${i.balance.refB41.toFixed(3)}/${i.balance.refB43.toFixed(3)}), ` +
      `${r.initSeconds.toFixed(1)} s init, ${r.frameSeconds.toFixed(2)} s/frame`,
  ];
  if (i.selection41.extra.length || i.selection41.missing.length || i.selection43.extra.length || i.selection43.missing.length) {
    lines.push(`  selection: conv4_1 +[${i.selection41.extra}] -[${i.selection41.missing}], conv4_3 +[${i.selection43.extra}] -[${i.selection43.missing}]`);
  }
  const d = r.frames.find((f) => !f.agrees);
  if (d) {
    lines.push(
      `  first divergence, frame ${d.frame}: box [${d.box.map((v) => v.toFixed(2))}] vs ref [${d.refBox.map((v) => v.toFixed(2))}] ` +
        `(centre off ${d.centreError.toFixed(2)} px), scale ${d.scaleIndex} vs ${d.refScaleIndex}, peak ${d.peak} vs ${d.refPeak}, ` +
        `scale peaks [${d.scaleMax.map((v) => v.toFixed(6))}] vs [${d.refScaleMax?.map((v) => v.toFixed(6))}], window ${d.window} vs ${d.refWindow}`,
    );
  }
  const worst = Math.max(0, ...r.frames.filter((f) => r.nearTie === null || f.frame < r.nearTie).map((f) => f.centreError));
  lines.push(`  largest centre error before the near-tie: ${worst.toFixed(4)} px`);
  return lines.join('\n');
}

/** Issue 5's acceptance, criterion by criterion. */
function acceptance(runs: SequenceAgreement[]): { criterion: string; pass: boolean; detail: string }[] {
  const bySeq = new Map<string, SequenceAgreement>();
  for (const r of runs) if (!bySeq.has(r.sequence)) bySeq.set(r.sequence, r);
  const first = [...bySeq.values()];
  const within = (d: SetDifference) => Math.max(d.extra.length, d.missing.length) <= TOLERANCE.selectionChannels;
  const frameOne = (criterion: string, fails: (r: SequenceAgreement) => boolean) => {
    const bad = first.filter(fails);
    return { criterion, pass: bad.length === 0, detail: bad.length ? `fails on ${bad.map((r) => r.sequence).join(', ')}` : `all ${first.length}` };
  };
  const out = [
    frameOne(`ridge rankings agree (ties within ${TOLERANCE.rankTie} may swap)`, (r) => r.init.ranking41.firstDisagreement !== null || r.init.ranking43.firstDisagreement !== null),
    frameOne(`selected sets differ by <= ${TOLERANCE.selectionChannels} channels per layer`, (r) => !within(r.init.selection41) || !within(r.init.selection43)),
    frameOne(`balance factor within ${TOLERANCE.balanceRelative} (relative)`, (r) => !(r.init.balance.relative <= TOLERANCE.balanceRelative)),
  ];
  for (const [injected, need] of [[true, 5], [false, 4]] as const) {
    const set = runs.filter((r) => r.injected === injected);
    if (!set.length) continue;
    const good = set.filter((r) => r.matchedBeforeTie === r.framesBeforeTie);
    const required = Math.min(need, set.length);
    out.push({
      criterion: `${injected ? 'injected' : 'own'} selection: every frame before the first near-tie matches (needed on ${required} of ${set.length})`,
      pass: good.length >= required,
      detail: `${good.length}/${set.length}: ${set.map((r) => `${r.sequence} ${r.matchedBeforeTie}/${r.framesBeforeTie}`).join(', ')}`,
    });
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sequences: { type: 'string' },
      frames: { type: 'string' },
      inject: { type: 'boolean', default: false },
      own: { type: 'boolean', default: false },
      weights: { type: 'string' },
      adapter: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const sequences = values.sequences ? values.sequences.split(',').map((s) => s.trim()).filter(Boolean) : [...REFERENCE_SEQUENCES];
  const frames = values.frames === undefined ? undefined : Number(values.frames);
  if (frames !== undefined && !(Number.isInteger(frames) && frames >= 1)) throw new Error(`--frames ${values.frames}: expected a positive integer`);
  const modes = values.inject && !values.own ? [true] : values.own && !values.inject ? [false] : [true, false];
  const refs = sequences.map(loadReference); // fail on a missing file before the long work starts
  const weights = await loadWeights(values.weights ?? sharedPath('weights', 'vgg16-synthetic-conv4.mat'));
  const engine = await createEngine({ adapter: values.adapter });
  const runs: SequenceAgreement[] = [];
  try {
    for (const ref of refs) {
      for (const inject of modes) {
        const label = `${ref.sequence} (${inject ? 'injected' : 'own'} selection)`;
        let n = 0;
        const run = await trackAgainstReference(engine, weights, ref, {
          frames,
          inject,
          onFrame: (f) => {
            n++;
            if (!f.agrees || n % 20 === 0) process.stderr.write(`${label}: frame ${f.frame}${f.agrees ? '' : ' DIFFERS'}\n`);
          },
        });
        runs.push(run);
        process.stderr.write(`${label}: done, ${run.matched}/${run.frames.length} frames agree\n`);
      }
    }
  } finally {
    await engine.destroy();
  }
  const verdict = acceptance(runs);
  if (values.json) {
    console.log(JSON.stringify({ adapter: engine.adapterName, weights: weights.source, tolerances: TOLERANCE, acceptance: verdict, runs }, null, 1));
    return;
  }
  console.log(`adapter: ${engine.adapterName}; profile pytorch-port; frames compared from 2 (frame 1 is the input box)`);
  console.log(`agree = centre within ${TOLERANCE.centrePixels} px and w, h within ${TOLERANCE.sizeRelative * 100}% of the port's box0; near-tie = weighted scale peaks within ${TOLERANCE.nearTie} (relative) in the port's run\n`);
  console.log(agreementTable(runs));
  console.log('');
  for (const r of runs) console.log(diagnostics(r));
  console.log('\nacceptance:');
  for (const v of verdict) console.log(`  ${v.pass ? 'PASS' : 'FAIL'}  ${v.criterion}: ${v.detail}`);
}

await main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
