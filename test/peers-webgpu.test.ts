import { expect } from 'chai';
import { setFlagsFromString } from 'node:v8';
import { compareMaps } from '../bench/peers/agreement.ts';
import { installPeerGpu, type PeerGpu } from '../bench/peers/navigator-gpu.ts';
import { ortNodeRunner } from '../bench/peers/ort-node.ts';
import { ortWebRunner } from '../bench/peers/ort-web.ts';
import { oursRunner } from '../bench/peers/ours.ts';
import type { Runner } from '../bench/peers/runner.ts';
import { seededImage, trunkUnits } from '../bench/peers/trunk.ts';
import { tfjsRunner } from '../bench/peers/tfjs.ts';
import type { Engine } from '../src/runtime/engine.ts';
import { syntheticVggWeights } from '../src/weights/synthetic.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { TINY_INPUT, TINY_UNIT, tinyReference } from './helpers/peers-net.ts';

// The WebGPU peers on our engine's adapter, through the bench's navigator.gpu. No adapter is a
// failure (gpuEngine throws), never a skip.
describe('peers bench: WebGPU peers on our adapter', () => {
  let engine: Engine;
  let gpu: PeerGpu;
  before(async () => {
    // V8 would go on optimising onnxruntime-web's 20 MB of WebAssembly in background threads, and
    // Node waits for them at exit: 1-2 minutes on two busy cores for a test that needs 5 s. The
    // baseline compiler alone computes the same results (the bench keeps V8's defaults).
    setFlagsFromString('--liftoff-only');
    engine = await gpuEngine();
    gpu = installPeerGpu(engine.instance, true);
  });

  for (const [name, create] of [['onnxruntime-web', ortWebRunner], ['tfjs', tfjsRunner]] as const) {
    it(`${name} runs the tiny net to the plain-TS reference's output, its WGSL recorded`, async () => {
      gpu.currentPeer = name;
      const runner: Runner = await create();
      const unit = await runner.prepare(TINY_UNIT, TINY_INPUT);
      await unit.run();
      await unit.run();
      const out = (await unit.output())!;
      expect([out.height, out.width, out.channels]).to.deep.equal([3, 4, 6]);
      expect(compareMaps(out, tinyReference()).relative).to.be.below(1e-6);
      expect(gpu.shaders.filter((s) => s.peer === name).some((s) => /@compute/.test(s.code))).to.equal(true);
      await unit.dispose();
      await runner.close();
    });
  }

  it('ours reads back relu4_3 of its trunk, which onnxruntime-node CPU matches', async () => {
    const weights = syntheticVggWeights();
    const image = seededImage(8);
    const trunk = trunkUnits(weights, 8)[0]!;
    const ours = await oursRunner(engine, weights, image);
    const reference = await ortNodeRunner();
    const [a, b] = [await ours.prepare(trunk, image), await reference.prepare(trunk, image)];
    await a.run();
    await b.run();
    const [mine, theirs] = [(await a.output())!, (await b.output())!];
    expect([mine.height, mine.width, mine.channels]).to.deep.equal([2, 2, 512]);
    expect(compareMaps(mine, theirs).relative).to.be.below(1e-4);
    expect(await (await ours.prepare(trunkUnits(weights, 8)[3]!, image)).output(), 'single layers are not readable').to.equal(null);
    await ours.close();
    await reference.close();
  });
});
