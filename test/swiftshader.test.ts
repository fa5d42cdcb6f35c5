import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SWIFTSHADER_ICD } from '../scripts/chromium.ts';
import { demoClip } from '../src/demo/synthetic-sequence.ts';
import { expectSameBoxes, trackClip } from './helpers/demo-clip.ts';
import { gpuEngine } from './helpers/gpu.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));
const FRAMES = 5;

// SwiftShader is the Vulkan driver headless Chromium gives WebGPU here (it refuses lavapipe), with
// subgroups of 4 lanes and 10 storage buffers per stage. Dawn in Node can load it too, which tests
// the browser's driver without a browser.
describe('the tracker in Node on SwiftShader, the browser\'s driver', () => {
  it(`tracks ${FRAMES} demo frames with the boxes this process's adapter gives`, async function () {
    if (!existsSync(SWIFTSHADER_ICD)) {
      throw new Error(`${SWIFTSHADER_ICD} is missing: it comes with Debian's chromium package (npm run setup, as root, installs it)`);
    }
    const child = promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/fixtures/track-demo-clip.ts', String(FRAMES)], {
      cwd: repo, env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD }, maxBuffer: 1 << 20,
    });
    const reference = await trackClip(await gpuEngine(), demoClip(FRAMES));
    const run = JSON.parse((await child).stdout);
    expect(run.report.architecture, run.adapter).to.match(/swiftshader/i);
    expect(run.report.software).to.equal(true);
    // Its 4-lane subgroups are too narrow for the 8-lane GEMM: plain Winograd.
    expect(run.report.subgroupSize).to.be.oneOf([0, 4]);
    expect(run.variant).to.equal('winograd');
    expectSameBoxes(run.boxes, reference, `SwiftShader (${run.adapter}) vs ${(await gpuEngine()).adapterName}`);
  });
});
