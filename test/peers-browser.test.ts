import { expect } from 'chai';
import { runInPage } from '../bench/peers/in-chromium.ts';
import type { PageOptions } from '../bench/peers/page-protocol.ts';

// The browser mode of the peers bench on one small layer: the page is bundled, served on
// 127.0.0.1 with onnxruntime-web's wasm, and run in headless Chromium (WebGPU on SwiftShader).
// Without Chromium this fails with how to get it.
describe('peers bench in headless Chromium', function () {
  this.timeout(10 * 60_000);

  const options: PageOptions = { peers: ['ort-web', 'tfjs', 'ort-wasm'], filter: 'conv1_1', size: 16, runs: 1, warmup: 1, tolerance: 1e-3, captureShaders: true };
  const quiet = { say: () => {}, progress: () => {} };

  it('checks conv1_1 of every peer against onnxruntime-web wasm, then times all four engines', async () => {
    const lines: string[] = [];
    const { chromium, result } = await runInPage(options, { say: (line) => lines.push(line), progress: () => {} });
    expect(chromium).to.match(/Chrom(e|ium)\/\d+\./);
    expect(result.adapter).to.match(/swiftshader/i);
    expect(result.unavailable).to.deep.equal([]);
    expect(result.engines.map((e) => e.name)).to.deep.equal(['ours', 'onnxruntime-web WebGPU', 'tfjs WebGPU', 'onnxruntime-web wasm CPU']);
    const checked = result.agreement.map((a) => `${a.unit} ${a.engine} vs ${a.against}`);
    expect(checked).to.deep.equal(['conv1_1 onnxruntime-web WebGPU vs onnxruntime-web wasm CPU', 'conv1_1 tfjs WebGPU vs onnxruntime-web wasm CPU']);
    for (const a of result.agreement) {
      expect(a.result.maxAbsRef, 'a layer whose output is near zero proves little').to.be.above(100);
      expect(a.result.relative).to.be.below(1e-5);
    }
    expect(lines.filter((l) => l.startsWith('agree conv1_1')).length).to.equal(2);
    expect(result.rows.map((r) => r.unit)).to.deep.equal(['conv1_1']);
    const { ms, ratio } = result.rows[0]!.times.wall!;
    for (const e of result.engines) expect(ms[e.name], e.name).to.be.above(0);
    expect(Object.keys(ratio)).to.deep.equal(result.engines.slice(1).map((e) => e.name));
    const cpu = result.rows[0]!.times.cpuPerCore!.ms;
    for (const e of result.engines) expect(cpu[e.name], `${e.name}: Chromium's CPU ms`).to.be.at.least(0);
    for (const peer of ['onnxruntime-web WebGPU', 'tfjs WebGPU']) {
      expect(result.shaders.some((s) => s.peer === peer && /@compute/.test(s.code)), `${peer}'s WGSL recorded`).to.equal(true);
    }
  });

  it('reports no time where an output disagrees', async () => {
    const run = runInPage({ ...options, peers: ['tfjs'], tolerance: 1e-12, captureShaders: false }, quiet);
    const error = await run.then(() => null, (e: Error) => e);
    expect(error?.message).to.match(/1 output\(s\) disagree beyond 1e-12 .*no times reported/);
  });
});
