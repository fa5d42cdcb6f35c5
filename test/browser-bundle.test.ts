import { expect } from 'chai';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as esbuild from 'esbuild';
import { bundleCore, nodeFreePlugin, ROOT } from '../scripts/browser-bundle.ts';

// The core (runtime, kernels, tracker, weight parsers) must reach a browser without Node: the
// bundle fails on any Node built-in or Node-only package, naming the importer.
describe('browser bundle of the core', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tadt-bundle-'));

  it('bundles src/browser.ts with every shader and no Node built-in', async () => {
    const result = await bundleCore(join(dir, 'core.js'), { write: false, sourcemap: false, metafile: true });
    expect(result.errors).to.deep.equal([]);
    const js = result.outputFiles!.map((f) => f.text).join('');
    expect(js).to.include('fn main'); // WGSL inlined
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.filter((p) => /src\/(cli|eval|vis|demo)\/|io\/frame\.ts|weights\/(cache|resolve|download|hash|paths|files|mat-file)\.ts/.test(p))).to.deep.equal([]);
    expect(inputs.some((p) => p.endsWith('src/tracker/tadt.ts'))).to.equal(true);
  });

  it('fails, naming the importer, when a Node built-in reaches the bundle', async () => {
    const failure = await esbuild.build({
      stdin: { contents: "export * from './src/io/frame.ts';", resolveDir: ROOT, sourcefile: 'probe.ts', loader: 'ts' },
      bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', plugins: [nodeFreePlugin()],
    }).then(() => null, (e: esbuild.BuildFailure) => e);
    const texts = failure?.errors.map((e) => e.text) ?? [];
    expect(texts).to.include('src/io/frame.ts imports the Node built-in "node:fs/promises", which cannot run in a browser');
    expect(texts).to.include('src/io/frame.ts imports the Node-only package "sharp", which cannot run in a browser');
  });

  it('resolves `import { createEngine, createTracker } from "tadt-webgpu"` to the browser build in a bundler', async function () {
    this.timeout(60_000);
    await bundleCore(join(ROOT, 'dist/browser/tadt-webgpu.js')); // what `npm run build` writes
    const app = join(dir, 'app');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    symlinkSync(ROOT, join(app, 'node_modules', 'tadt-webgpu'));
    writeFileSync(join(app, 'main.js'), "import { createEngine, createTracker } from 'tadt-webgpu';\nexport { createEngine, createTracker };\n");
    const result = await esbuild.build({
      entryPoints: [join(app, 'main.js')], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true,
      logLevel: 'silent', plugins: [nodeFreePlugin()],
    });
    const inputs = Object.keys(result.metafile.inputs).map((p) => relative(ROOT, join(process.cwd(), p)));
    expect(inputs).to.include('dist/browser/tadt-webgpu.js');
    expect(inputs.filter((p) => p.startsWith('dist/src') || p.startsWith('src/'))).to.deep.equal([]);
  });
});
