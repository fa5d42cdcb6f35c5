// npm run bench -- peers [--browser] [--peers LIST] [--filter NAMES] [--runs N] [--warmup 2]
//                        [--size 180] [--tolerance 1e-3] [--weights FILE] [--dump-shaders DIR] [--json]
// Our trunk against the WebGPU peers (onnxruntime-web, TensorFlow.js) on the same adapter, and
// onnxruntime on the CPU: the trunk whole and each conv layer alone. Outputs must agree before any
// time is reported. In Node (this process's adapter; CPU peer onnxruntime-node), or with --browser
// in a page in headless Chromium (its SwiftShader adapter; CPU peer onnxruntime-web's wasm EP).
// See bench/peers/ for one file per engine and compare.ts for the procedure.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Engine } from '../src/runtime/engine.ts';
import { resolveWeights } from '../src/weights/resolve.ts';
import { syntheticVggWeights } from '../src/weights/synthetic.ts';
import { type AgreementRecord, type Clock, comparePeers, type Row, startEngines, wallClock } from './peers/compare.ts';
import { runInPage } from './peers/in-chromium.ts';
import { PAGE_PEER_NAMES } from './peers/page-protocol.ts';
import { cpuInfo, describeCpu, loadAverage, processCpuMsPerCore } from './machine.ts';
import { installPeerGpu } from './peers/navigator-gpu.ts';
import { ortNodeRunner } from './peers/ort-node.ts';
import { ortWebRunner } from './peers/ort-web.ts';
import { oursRunner } from './peers/ours.ts';
import { seededImage, selectUnits, trunkUnits } from './peers/trunk.ts';
import { tfjsRunner } from './peers/tfjs.ts';

const NODE_PEERS = { 'ort-web': ortWebRunner, tfjs: tfjsRunner, 'ort-node': ortNodeRunner };

interface Options {
  json: boolean;
  runs: number;
  argv: string[];
}

interface Settings {
  wanted: string[];
  filter?: string;
  size: number;
  runs: number;
  warmup: number;
  tolerance: number;
  dump: boolean;
  say: (line: string) => void;
  progress: (line: string) => void;
}

interface Outcome {
  header: Record<string, string>;
  engines: { name: string; about: string }[];
  unavailable: { peer: string; reason: string }[];
  agreement: AgreementRecord[];
  rows: Row[];
  /** Table title by clock name. */
  clocks: Record<string, string>;
  shaders: { peer: string; label: string; code: string }[];
}

export async function run(engine: Engine, opts: Options): Promise<void> {
  const { values } = parseArgs({
    args: opts.argv,
    strict: false,
    options: {
      browser: { type: 'boolean', default: false },
      peers: { type: 'string' },
      filter: { type: 'string' },
      weights: { type: 'string' },
      size: { type: 'string', default: '180' },
      warmup: { type: 'string', default: '2' },
      tolerance: { type: 'string', default: '1e-3' },
      'dump-shaders': { type: 'string' },
    },
  });
  const browser = values.browser === true;
  const say = (line: string) => !opts.json && console.log(line);
  const peerNames: readonly string[] = browser ? PAGE_PEER_NAMES : Object.keys(NODE_PEERS);
  const wanted = String(values.peers ?? peerNames.join(',')).split(',').filter(Boolean);
  for (const p of wanted) if (!peerNames.includes(p)) throw new Error(`unknown peer "${p}"${browser ? ' in the browser' : ''}: use ${peerNames.join(', ')}`);
  if (browser && values.weights) throw new Error('--browser runs on the synthetic weights (the page reads no files); leave out --weights');
  const settings: Settings = {
    wanted,
    filter: values.filter as string | undefined,
    size: Number(values.size),
    runs: opts.runs,
    warmup: Math.max(1, Number(values.warmup)),
    tolerance: Number(values.tolerance),
    dump: values['dump-shaders'] !== undefined,
    say,
    progress: (line) => !opts.json && process.stderr.write(`${line}\n`),
  };
  const cpu = describeCpu(cpuInfo());
  const loadBefore = loadAverage();
  say(`# CPU ${cpu}; load average ${loadBefore}`);
  const started = performance.now();
  const outcome = browser ? await inChromium(settings) : await inNode(engine, settings, values.weights as string | undefined);
  const header = {
    date: new Date().toISOString().slice(0, 10),
    cpu,
    ...outcome.header,
    input: `${settings.size}x${settings.size}x3 seeded image minus 128`,
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAverage(),
    minutes: ((performance.now() - started) / 60_000).toFixed(1),
  };
  if (values['dump-shaders'] !== undefined) dumpShaders(String(values['dump-shaders']), outcome.shaders, say);
  if (opts.json) {
    const { runs, warmup, tolerance } = settings;
    console.log(JSON.stringify({ bench: 'peers', host: browser ? 'chromium' : 'node', ...header, runs, warmup, tolerance, engines: outcome.engines, unavailable: outcome.unavailable, agreement: outcome.agreement, rows: outcome.rows }));
    return;
  }
  for (const [key, value] of Object.entries(header)) say(`# ${key}: ${value}`);
  say(`# median of ${settings.runs} runs after ${settings.warmup} warm-up, engines alternating; each run waits for its work to finish, no readback; ratio = peer / ours (> 1: ours faster)`);
  for (const [clock, title] of Object.entries(outcome.clocks)) printTable(title, clock, outcome.rows, outcome.engines.map((e) => e.name));
}

/** In this process, on our engine's adapter; onnxruntime-node is the CPU peer and the single-layer reference. */
async function inNode(engine: Engine, s: Settings, weightsFile: string | undefined): Promise<Outcome> {
  const weights = weightsFile ? (await resolveWeights({ weights: weightsFile })).weights : syntheticVggWeights();
  const units = trunkUnits(weights, s.size);
  const selected = selectUnits(units, s.filter);
  const header = {
    adapter: engine.adapterName,
    webgpuPackage: `webgpu (Dawn) ${createRequire(import.meta.url)('webgpu/package.json').version as string}`,
    lpNumThreads: process.env.LP_NUM_THREADS ?? '',
    weights: weights.synthetic ? `synthetic (seed ${weights.source.seed})` : String(weights.source.file),
  };
  s.say(`# adapter ${header.adapter}; ${header.webgpuPackage}, LP_NUM_THREADS=${header.lpNumThreads}; weights ${header.weights}`);
  const image = seededImage(s.size);
  const gpu = installPeerGpu(engine.instance, s.dump);
  const before = (name: string) => (gpu.currentPeer = name);
  const engines = await startEngines(await oursRunner(engine, weights, image), NODE_PEERS, s.wanted, 'ort-node', s.say);
  try {
    for (const r of engines.runners) s.say(`# ${r.name}: ${r.about}`);
    // Every engine here computes in this process's threads (lavapipe's included), so process CPU
    // time per core shows the cost on idle cores when other jobs load them.
    const cores = cpuInfo().cores;
    const cpuClock: Clock = { name: 'cpuPerCore', read: processCpuMsPerCore };
    const { agreement, rows } = await comparePeers(engines, { ...s, units, selected, image, clocks: [wallClock, cpuClock], before });
    return {
      header, agreement, rows, shaders: gpu.shaders,
      engines: engines.timed.map((r) => ({ name: r.name, about: r.about })),
      unavailable: engines.unavailable,
      clocks: { wall: 'wall ms', cpuPerCore: `process CPU ms / ${cores} cores` },
    };
  } finally {
    for (const r of engines.runners) await r.close();
  }
}

/** In a page in headless Chromium, on its adapter (SwiftShader here); onnxruntime-web's wasm EP is the CPU peer and reference. */
async function inChromium(s: Settings): Promise<Outcome> {
  const { chromium, result } = await runInPage(
    { peers: s.wanted, filter: s.filter, size: s.size, runs: s.runs, warmup: s.warmup, tolerance: s.tolerance, captureShaders: s.dump },
    { say: s.say, progress: s.progress },
  );
  return {
    header: { chromium, adapter: `${result.adapter} (in the page)`, weights: result.weights },
    engines: result.engines,
    unavailable: result.unavailable,
    agreement: result.agreement,
    rows: result.rows,
    clocks: { wall: 'wall ms (performance.now() in the page)', cpuPerCore: `Chromium's CPU ms (all its processes) / ${cpuInfo().cores} cores` },
    shaders: result.shaders,
  };
}

function printTable(title: string, clock: string, rows: readonly Row[], engines: readonly string[]): void {
  console.log(`\n${title}`);
  console.log(['unit'.padEnd(8), 'GFLOP'.padStart(6), ...engines.map((name, i) => (i === 0 ? name.padStart(9) : `${name} (ratio)`.padStart(34)))].join('  '));
  for (const row of rows) {
    const { ms, ratio } = row.times[clock]!;
    const cells = engines.map((name, i) => (i === 0 ? `${ms[name]!.toFixed(1)}`.padStart(9) : `${ms[name]!.toFixed(1)} (${ratio[name] == null ? '-' : `${ratio[name].toFixed(2)}x`})`.padStart(34)));
    console.log([row.unit.padEnd(8), row.gflop.toFixed(2).padStart(6), ...cells].join('  '));
  }
}

function dumpShaders(dir: string, shaders: readonly { peer: string; label: string; code: string }[], say: (line: string) => void): void {
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
