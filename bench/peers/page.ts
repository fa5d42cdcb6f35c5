// The peers bench in a web page (bundled by in-chromium.ts): ours, onnxruntime-web (WebGPU EP) and
// TensorFlow.js (WebGPU backend) on the browser's adapter, onnxruntime-web's wasm EP on the CPU as
// the single-layer reference, through the same procedure as in Node (compare.ts). Besides wall
// time, the CPU time of all Chromium's processes, which Node reads (the GPU work runs in the GPU
// process, out of the page's sight).
import { createEngine } from '../../src/browser.ts';
import { syntheticVggWeights } from '../../src/weights/synthetic.ts';
import { type Clock, comparePeers, message, startEngines, wallClock } from './compare.ts';
import { installPeerGpu } from './navigator-gpu.ts';
import { ortWasmRunner, ortWebRunner } from './ort-web.ts';
import { oursRunner } from './ours.ts';
import { CPU_PROBE, PAGE_GLOBAL, type PAGE_PEER_NAMES, type PageOptions, type PageResult, type PeersPage } from './page-protocol.ts';
import type { Runner } from './runner.ts';
import { tfjsRunner } from './tfjs.ts';
import { seededImage, selectUnits, trunkUnits } from './trunk.ts';

const PAGE_PEERS: Record<(typeof PAGE_PEER_NAMES)[number], () => Promise<Runner>> = { 'ort-web': ortWebRunner, tfjs: tfjsRunner, 'ort-wasm': ortWasmRunner };

const chromiumCpu: Clock = {
  name: 'cpuPerCore',
  read: () => (globalThis as unknown as Record<string, () => Promise<number>>)[CPU_PROBE]!(),
};

async function runPage(o: PageOptions): Promise<PageResult> {
  const say = (line: string) => console.log(line);
  const engine = await createEngine();
  const weights = syntheticVggWeights();
  const units = trunkUnits(weights, o.size);
  const selected = selectUnits(units, o.filter);
  const image = seededImage(o.size);
  // Installed after our engine took its device: only the peers' devices are wrapped. (createEngine
  // has thrown where there is no navigator.gpu.)
  const gpu = installPeerGpu((globalThis as unknown as { navigator: NavigatorGPU }).navigator.gpu, o.captureShaders);
  const before = (name: string) => (gpu.currentPeer = name);
  const engines = await startEngines(await oursRunner(engine, weights, image), PAGE_PEERS, o.peers, 'ort-wasm', say);
  try {
    for (const r of engines.runners) say(`# ${r.name}: ${r.about}`);
    const { agreement, rows } = await comparePeers(engines, {
      units, selected, image, runs: o.runs, warmup: o.warmup, tolerance: o.tolerance, clocks: [chromiumCpu, wallClock], before, say,
      progress: (line) => console.info(line),
    });
    return {
      adapter: engine.adapterName,
      weights: `synthetic (seed ${weights.source.seed})`,
      engines: engines.timed.map((r) => ({ name: r.name, about: r.about })),
      unavailable: engines.unavailable,
      agreement,
      rows,
      shaders: gpu.shaders,
    };
  } finally {
    for (const r of engines.runners) await r.close();
    await engine.destroy();
  }
}

const entry: PeersPage = {
  start(options) {
    runPage(options).then(
      (result) => (entry.outcome = { ok: true, result }),
      (e: unknown) => (entry.outcome = { ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : message(e) }),
    );
  },
};
(globalThis as Record<string, unknown>)[PAGE_GLOBAL] = entry;
