import { expect } from 'chai';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { nodeFreePlugin, ROOT, shaderBundlePlugin } from '../scripts/browser-bundle.ts';
import { launchChromium } from '../scripts/chromium.ts';
import { serveStatic } from '../scripts/static-server.ts';

// The kernel tests' own files, bundled for the page with the browser's engine in place of Node's,
// run by mocha in headless Chromium on SwiftShader: every case, TADT-sized ones included (~20 s).

/** Resolves the tests' `./helpers/gpu.ts` to the browser stand-in. */
const browserGpu: esbuild.Plugin = {
  name: 'browser-gpu-helper',
  setup(build) {
    build.onResolve({ filter: /\/helpers\/gpu\.ts$/ }, () => ({ path: join(ROOT, 'test/browser/gpu.ts') }));
  },
};

interface Outcome {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  ms?: number;
  error?: string;
}

describe('kernel tests in headless Chromium (WebGPU on SwiftShader)', function () {
  this.timeout(20 * 60_000);

  it('conv 3x3, xcorr, response tail, one ridge step and crop match their CPU references in the page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tadt-kernels-'));
    const server = await serveStatic(dir);
    try {
      await esbuild.build({
        entryPoints: [join(ROOT, 'test/browser/kernel-suite.ts')], outfile: join(dir, 'kernel-suite.js'),
        bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'silent',
        plugins: [browserGpu, shaderBundlePlugin(), nodeFreePlugin()],
        // conv2d3x3.test.ts prints errors when CONV_ERRORS is set in Node's environment.
        define: { 'process.env.CONV_ERRORS': 'undefined' },
      });
      copyFileSync(join(ROOT, 'test/browser/kernel-suite.html'), join(dir, 'index.html'));
      const chrome = await launchChromium();
      try {
        const page = await chrome.browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(server.url);
        await page.waitForSelector('#report[data-done]', { timeout: 18 * 60_000 });
        const outcomes = JSON.parse(await page.$eval('#report', (e) => e.textContent ?? '[]')) as Outcome[];
        const failed = outcomes.filter((o) => o.state === 'failed');
        const passed = outcomes.filter((o) => o.state === 'passed');
        const slowest = [...passed].sort((a, b) => (b.ms ?? 0) - (a.ms ?? 0)).slice(0, 3);
        console.log(`      ${passed.length} passed in the page; slowest: ${slowest.map((o) => `${o.title} ${((o.ms ?? 0) / 1000).toFixed(1)} s`).join('; ')}`);
        expect(errors).to.deep.equal([]);
        expect(failed.map((o) => `${o.title}: ${o.error}`)).to.deep.equal([]);
        for (const kernel of ['conv2d3x3 winograd', 'conv2d3x3 tiled', 'xcorr', 'response-peak', 'ridge', 'crop-window']) {
          expect(passed.filter((o) => o.title.startsWith(kernel)).length, kernel).to.be.at.least(2);
        }
      } finally {
        await chrome.close();
      }
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
