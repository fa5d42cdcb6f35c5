// npm run bench -- peers [--peers ort-web,tfjs,ort-node] [--filter NAME] [--weights FILE] [--size 180]
//                        [--warmup 2] [--tolerance 1e-3] [--dump-shaders DIR] [--runs N] [--json]
// Our trunk against the WebGPU peers (onnxruntime-web, TensorFlow.js) on the same adapter in the
// same process, and onnxruntime-node on the CPU: the trunk whole and each conv layer alone. Outputs
// must agree before any time is reported. See bench/peers/ for one file per engine.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Engine } from '../src/runtime/engine.ts';
import { resolveWeights } from '../src/weights/resolve.ts';
import { syntheticVggWeights } from '../src/weights/synthetic.ts';
import { round } from './harness.ts';
import { type Agreement, compareMaps } from './peers/agreement.ts';
import { cpuInfo, describeCpu } from './peers/machine.ts';
import { installPeerGpu } from './peers/navigator-gpu.ts';
import { ortNodeRunner } from './peers/ort-node.ts';
import { ortWebRunner } from './peers/ort-web.ts';
import { oursRunner } from './peers/ours.ts';
import type { PreparedUnit, Runner } from './peers/runner.ts';
import { type DenseMap, seededImage, trunkUnits, type Unit } from './peers/trunk.ts';
import { tfjsRunner } from './peers/tfjs.ts';

const PEERS: Record<string, () => Promise<Runner>> = { 'ort-web': ortWebRunner, tfjs: tfjsRunner, 'ort-node': ortNodeRunner };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

interface Options {
  json: boolean;
  runs: number;
  argv: string[];
}

export async function run(engine: Engine, opts: Options): Promise<void> {
  const { values } = parseArgs({
    args: opts.argv,
    strict: false,
    options: {
      peers: { type: 'string', default: Object.keys(PEERS).join(',') },
      filter: { type: 'string' },
      weights: { type: 'string' },
      size: { type: 'string', default: '180' },
      warmup: { type: 'string', default: '2' },
      tolerance: { type: 'string', default: '1e-3' },
      'dump-shaders': { type: 'string' },
    },
  });
  const say = (line: string) => !opts.json && console.log(line);
  const size = Number(values.size);
  const tolerance = Number(values.tolerance);
  const warmup = Math.max(1, Number(values.warmup));
  const wanted = String(values.peers).split(',').filter(Boolean);
  for (const p of wanted) if (!PEERS[p]) throw new Error(`unknown peer "${p}": use ${Object.keys(PEERS).join(', ')}`);
  const weights = values.weights ? (await resolveWeights({ weights: String(values.weights) })).weights : syntheticVggWeights();
  const units = trunkUnits(weights, size);
  const selected = units.filter((u) => !values.filter || u.name.includes(String(values.filter)));
  if (selected.length === 0) throw new Error(`--filter ${values.filter} matches no unit (trunk, ${units.slice(1).map((u) => u.name).join(', ')})`);
  const cpu = cpuInfo();
  const cpus = cpu.cores;
  const header = {
    date: new Date().toISOString().slice(0, 10),
    cpu: describeCpu(cpu),
    adapter: engine.adapterName,
    webgpuPackage: createRequire(import.meta.url)('webgpu/package.json').version as string,
    lpNumThreads: process.env.LP_NUM_THREADS ?? '',
    weights: weights.synthetic ? `synthetic (seed ${weights.source.seed})` : String(weights.source.file),
    input: `${size}x${size}x3 seeded image minus 128`,
  };
  say(`# CPU ${header.cpu}; adapter ${header.adapter}; webgpu (Dawn) ${header.webgpuPackage}, LP_NUM_THREADS=${header.lpNumThreads}`);
  say(`# weights ${header.weights}; input ${header.input}`);

  const image = seededImage(size);
  const gpu = installPeerGpu(engine.instance, values['dump-shaders'] !== undefined);
  const runners: Runner[] = [await oursRunner(engine, weights, image)];
  const unavailable: { peer: string; reason: string }[] = [];
  // onnxruntime-node CPU is also the reference for single layers (ours cannot read them back), so
  // it runs even when not asked for; `timed` says whose times are reported.
  const timed = new Set<Runner>(runners);
  for (const name of new Set([...wanted, 'ort-node'])) {
    gpu.currentPeer = name;
    try {
      const runner = await PEERS[name]!();
      runners.push(runner);
      if (wanted.includes(name)) timed.add(runner);
    } catch (e) {
      unavailable.push({ peer: name, reason: message(e) });
      say(`# ${name} UNAVAILABLE: ${message(e)}`);
    }
  }
  const reference = runners.find((r) => r.name === 'onnxruntime-node CPU');
  if (!reference) throw new Error('onnxruntime-node is needed as the single-layer reference and could not start (see above)');
  for (const r of runners) say(`# ${r.name}: ${r.about}`);

  const prepared = new Map<Unit, Map<Runner, PreparedUnit>>();
  try {
    const inputs = await layerInputs(reference, units, image);
    const agreement: { unit: string; engine: string; against: string; result: Agreement }[] = [];
    // Phase 1: every engine's first run of every unit (it compiles their pipelines), checked.
    for (const unit of selected) {
      const input = unit.name === 'trunk' ? image : inputs[unit.first]!;
      const byRunner = new Map<Runner, PreparedUnit>();
      prepared.set(unit, byRunner);
      const outputs = new Map<Runner, DenseMap | null>();
      for (const r of runners) {
        gpu.currentPeer = r.name;
        const p = await r.prepare(unit, input);
        byRunner.set(r, p);
        await p.run();
        outputs.set(r, await p.output());
      }
      // The trunk is checked against ours (relu4_3); single layers against onnxruntime-node CPU on
      // the same input, since ours can read back only relu4_3.
      const against = unit.name === 'trunk' ? runners[0]! : reference;
      for (const [r, out] of outputs) {
        if (r === against || !out) continue;
        agreement.push({ unit: unit.name, engine: r.name, against: against.name, result: compareMaps(out, outputs.get(against)!) });
      }
    }
    const bad = agreement.filter((a) => !(a.result.relative <= tolerance));
    for (const a of agreement) {
      say(`agree ${a.unit.padEnd(8)} ${a.engine.padEnd(24)} vs ${a.against.padEnd(22)} max|diff|/max|ref| ${a.result.relative.toExponential(2)} (max|diff| ${a.result.maxAbsDiff.toPrecision(3)}, max|ref| ${a.result.maxAbsRef.toPrecision(4)})${a.result.relative <= tolerance ? '' : `  > ${tolerance}: DISAGREES`}`);
    }
    if (bad.length) throw new Error(`${bad.length} output(s) disagree beyond ${tolerance} of the reference's max |value|: no times reported`);
    say(`# all outputs agree within ${tolerance} x max|ref|`);

    // Phase 2: warm-up, then rounds in which every engine runs once, the order rotating per round.
    const order = runners.filter((r) => timed.has(r));
    const rows = [];
    for (const unit of selected) {
      if (!opts.json) process.stderr.write(`timing ${unit.name}...\n`);
      const byRunner = prepared.get(unit)!;
      for (const r of order) for (let i = 1; i < warmup; i++) await byRunner.get(r)!.run();
      // Wall time, and process CPU time per core: every engine here computes in this process's
      // threads (lavapipe's included), so CPU time shows the cost on idle cores when others load them.
      const wall = new Map<Runner, number[]>(order.map((r) => [r, []]));
      const cpuTime = new Map<Runner, number[]>(order.map((r) => [r, []]));
      for (let round = 0; round < opts.runs; round++) {
        for (let k = 0; k < order.length; k++) {
          const r = order[(round + k) % order.length]!;
          const cpu0 = process.cpuUsage();
          const t0 = performance.now();
          await byRunner.get(r)!.run();
          wall.get(r)!.push(performance.now() - t0);
          const used = process.cpuUsage(cpu0);
          cpuTime.get(r)!.push((used.user + used.system) / 1000 / cpus);
        }
      }
      const stat = (times: Map<Runner, number[]>) => {
        const ours = median(times.get(order[0]!)!);
        return {
          ms: Object.fromEntries(order.map((r) => [r.name, round(median(times.get(r)!), 2)])),
          ratio: Object.fromEntries(order.slice(1).map((r) => [r.name, round(median(times.get(r)!) / ours, 2)])),
        };
      };
      const row = { unit: unit.name, gflop: round(unit.flops / 1e9, 3), wall: stat(wall), cpuPerCore: stat(cpuTime) };
      rows.push(row);
    }
    if (values['dump-shaders'] !== undefined) dumpShaders(String(values['dump-shaders']), gpu.shaders, say);
    if (opts.json) {
      console.log(JSON.stringify({ bench: 'peers', ...header, runs: opts.runs, warmup, tolerance, engines: order.map((r) => ({ name: r.name, about: r.about })), unavailable, agreement, rows }));
    } else {
      say(`# median of ${opts.runs} runs after ${warmup} warm-up, engines alternating; each run waits for its work to finish, no readback; ratio = peer / ours (> 1: ours faster)`);
      printTable('wall ms', rows.map((r) => ({ unit: r.unit, gflop: r.gflop, ...r.wall })), order);
      printTable(`process CPU ms / ${cpus} cores`, rows.map((r) => ({ unit: r.unit, gflop: r.gflop, ...r.cpuPerCore })), order);
    }
  } finally {
    for (const byRunner of prepared.values()) for (const p of byRunner.values()) await p.dispose();
    for (const r of runners) await r.close();
  }
}

/** Input of each layer alone: the reference engine's chain from the image. */
async function layerInputs(reference: Runner, units: Unit[], image: DenseMap): Promise<DenseMap[]> {
  const inputs = [image];
  for (const unit of units.filter((u) => u.name !== 'trunk')) {
    const p = await reference.prepare(unit, inputs[inputs.length - 1]!);
    await p.run();
    inputs.push((await p.output())!);
    await p.dispose();
  }
  return inputs;
}

function printTable(title: string, rows: { unit: string; gflop: number; ms: Record<string, number>; ratio: Record<string, number> }[], order: Runner[]): void {
  console.log(`\n${title}`);
  console.log(['unit'.padEnd(8), 'GFLOP'.padStart(6), ...order.map((r, i) => (i === 0 ? r.name.padStart(9) : `${r.name} (ratio)`.padStart(34)))].join('  '));
  for (const row of rows) {
    const cells = order.map((r, i) => (i === 0 ? `${row.ms[r.name]!.toFixed(1)}`.padStart(9) : `${row.ms[r.name]!.toFixed(1)} (${row.ratio[r.name]!.toFixed(2)}x)`.padStart(34)));
    console.log([row.unit.padEnd(8), row.gflop.toFixed(2).padStart(6), ...cells].join('  '));
  }
}

function dumpShaders(dir: string, shaders: { peer: string; label: string; code: string }[], say: (line: string) => void): void {
  mkdirSync(dir, { recursive: true });
  const seen = new Set<string>();
  let n = 0;
  for (const s of shaders) {
    if (seen.has(s.code)) continue;
    seen.add(s.code);
    const name = `${s.peer}-${String(n++).padStart(3, '0')}-${s.label}`.replace(/[^\w.-]+/g, '_').slice(0, 80);
    writeFileSync(join(dir, `${name}.wgsl`), s.code);
  }
  say(`# ${n} distinct peer shaders written to ${dir}`);
}
