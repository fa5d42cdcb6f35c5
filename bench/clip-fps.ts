// Child process of `bench browser`: tracks the demo clip on the adapter this process finds (the
// parent picks the Vulkan driver with VK_ICD_FILENAMES) and prints the outcome as JSON.
import { demoClip } from '../src/demo/synthetic-sequence.ts';
import { createEngine } from '../src/host/node-engine.ts';
import type { Box } from '../src/io/box.ts';
import { runSequence } from '../src/tracker/run-sequence.ts';
import { createTracker } from '../src/tracker/tadt.ts';
import { syntheticVggWeights } from '../src/weights/synthetic.ts';

const clip = demoClip(Number(process.argv[2]));
const engine = await createEngine();
const tracker = await createTracker(engine, { weights: syntheticVggWeights() });
const run = await runSequence(tracker, clip.frames, clip.initBox.map(Math.round) as Box);
console.log(JSON.stringify({ adapter: engine.adapterName, fps: run.fps, initSeconds: run.seconds[0], boxes: run.boxes }));
tracker.dispose();
await engine.destroy();
