// esbuild builds for the browser: the library bundle (the package's `browser` export) and the web
// page. Both inline shaders/*.wgsl and fail on any Node built-in or Node-only package, naming the
// file that imports it.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Packages that only work in Node: native addons and Node-stream decoders. */
const NODE_ONLY_PACKAGES = ['webgpu', 'sharp', 'pngjs'];

/** `virtual:tadt-shaders`: { name: WGSL source } for every file in shaders/. */
export function shaderBundlePlugin(): esbuild.Plugin {
  const dir = join(ROOT, 'shaders');
  return {
    name: 'tadt-shaders',
    setup(build) {
      build.onResolve({ filter: /^virtual:tadt-shaders$/ }, (args) => ({ path: args.path, namespace: 'tadt-shaders' }));
      build.onLoad({ filter: /.*/, namespace: 'tadt-shaders' }, () => {
        const files = readdirSync(dir).filter((f) => f.endsWith('.wgsl')).sort();
        const sources = Object.fromEntries(files.map((f) => [f.slice(0, -5), readFileSync(join(dir, f), 'utf8')]));
        return { contents: `export default ${JSON.stringify(sources)};`, loader: 'js', watchFiles: files.map((f) => join(dir, f)) };
      });
    },
  };
}

/** Turns an import of a Node built-in or Node-only package into a build error naming the importer. */
export function nodeFreePlugin(): esbuild.Plugin {
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  return {
    name: 'node-free',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0]!;
        const builtin = builtins.has(args.path) || args.path.startsWith('node:');
        if (!builtin && !NODE_ONLY_PACKAGES.includes(name)) return undefined;
        const what = builtin ? 'the Node built-in' : 'the Node-only package';
        return { errors: [{ text: `${relative(ROOT, args.importer)} imports ${what} "${args.path}", which cannot run in a browser` }] };
      });
    },
  };
}

const COMMON: esbuild.BuildOptions = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  logLevel: 'silent',
  plugins: [shaderBundlePlugin(), nodeFreePlugin()],
};

/**
 * Packages that reach for a Node built-in only when they find themselves in Node (tfjs-core's Node
 * platform, protobufjs's file loading, seedrandom's crypto) get an empty module in its place. Our
 * own files still may not import one.
 */
export function packagesNodeFallbackPlugin(): esbuild.Plugin {
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  return {
    name: 'packages-node-fallback',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) =>
        builtins.has(args.path) && args.importer.includes(`${sep}node_modules${sep}`) ? { path: args.path, namespace: 'empty-node-builtin' } : undefined);
      build.onLoad({ filter: /.*/, namespace: 'empty-node-builtin' }, () => ({ contents: 'export default {};', loader: 'js' }));
    },
  };
}

/**
 * `entry` (relative to the repository) and what it imports, shaders included, as one ES module with
 * its source map. `options.plugins` run before the shader and node-free plugins.
 */
export function bundleScript(entry: string, outfile: string, options: esbuild.BuildOptions = {}): Promise<esbuild.BuildResult> {
  const plugins = [...(options.plugins ?? []), ...COMMON.plugins!];
  return esbuild.build({ ...COMMON, entryPoints: [join(ROOT, entry)], outfile, sourcemap: true, ...options, plugins });
}

/** The core for bundlers: src/browser.ts with its shaders, one ES module. */
export function bundleCore(outfile: string, options: esbuild.BuildOptions = {}): Promise<esbuild.BuildResult> {
  return bundleScript('src/browser.ts', outfile, options);
}

/** The web page as a static folder: index.html, style.css and main.js (with its source map). */
export async function buildWeb(outDir: string, options: esbuild.BuildOptions = {}): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await bundleScript('web/main.ts', join(outDir, 'main.js'), options);
  for (const file of ['index.html', 'style.css']) copyFileSync(join(ROOT, 'web', file), join(outDir, file));
}
