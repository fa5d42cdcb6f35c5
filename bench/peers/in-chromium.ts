// The browser mode of the peers bench, Node's side: bundles page.ts, serves it on 127.0.0.1 with the
// wasm file onnxruntime-web fetches (there is no network), runs it in headless Chromium (WebGPU on
// its SwiftShader adapter) and hands back what the page measured. The page's log lines are passed on
// as they come: a full run takes most of an hour.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleScript, packagesNodeFallbackPlugin } from '../../scripts/browser-bundle.ts';
import { launchChromium } from '../../scripts/chromium.ts';
import { serveStatic } from '../../scripts/static-server.ts';
import { CPU_PROBE, PAGE_GLOBAL, type PageOptions, type PageOutcome, type PageResult, type PeersPage } from './page-protocol.ts';
import { processTreeCpuMs } from './process-cpu.ts';

/** The one file onnxruntime-web's WebGPU build loads at run time, from beside the script that imports it. */
const ORT_WASM = 'ort-wasm-simd-threaded.asyncify.wasm';

const PAGE = '<!doctype html><meta charset="utf-8"><title>peers bench</title><link rel="icon" href="data:,"><script type="module" src="peers.js"></script>';

export interface PageRun {
  /** Chromium's product and version, e.g. "Chrome/156.0.8078.108". */
  chromium: string;
  result: PageResult;
}

export interface PageLines {
  say(line: string): void;
  progress(line: string): void;
}

export async function runInPage(options: PageOptions, lines: PageLines): Promise<PageRun> {
  const root = mkdtempSync(join(tmpdir(), 'tadt-peers-'));
  try {
    await bundleScript('bench/peers/page.ts', join(root, 'peers.js'), { plugins: [packagesNodeFallbackPlugin()] });
    writeFileSync(join(root, 'index.html'), PAGE);
    symlinkSync(createRequire(import.meta.url).resolve(`onnxruntime-web/${ORT_WASM}`), join(root, ORT_WASM));
    const server = await serveStatic(root);
    try {
      const chrome = await launchChromium();
      try {
        const page = await chrome.browser.newPage();
        const cores = availableParallelism();
        const chromiumPid = chrome.browser.process()!.pid!;
        await page.exposeFunction(CPU_PROBE, () => processTreeCpuMs(chromiumPid) / cores);
        page.on('console', (m) => (m.type() === 'log' ? lines.say(m.text()) : lines.progress(m.type() === 'info' ? m.text() : `page ${m.type()}: ${m.text()}`)));
        const crashed = new Promise<never>((_, reject) => {
          page.on('pageerror', (e) => reject(new Error(`the peers page threw: ${String(e)}`)));
          page.on('error', (e) => reject(new Error(`the peers page crashed: ${e.message}`)));
        });
        await page.goto(server.url);
        const finished = (async (): Promise<PageOutcome> => {
          await page.waitForFunction((name: string) => name in globalThis, {}, PAGE_GLOBAL);
          await page.evaluate((name: string, o: PageOptions) => ((globalThis as unknown as Record<string, PeersPage>)[name]!).start(o), PAGE_GLOBAL, options);
          // No time limit: on SwiftShader one peer's trunk takes a minute and the full run most of an
          // hour. Polled with short calls: one call awaiting the end would pass the protocol timeout.
          for (;;) {
            const ended = await page.evaluate((name: string) => (globalThis as unknown as Record<string, PeersPage>)[name]!.outcome, PAGE_GLOBAL);
            if (ended) return ended;
            await new Promise((resolve) => setTimeout(resolve, 2000));
          }
        })();
        // Whichever loses the race fails later, when the browser closes: that is no news.
        crashed.catch(() => {});
        finished.catch(() => {});
        const ended = await Promise.race([crashed, finished]);
        if (!ended.ok) throw new Error(`in the page: ${ended.error}`);
        return { chromium: await chrome.browser.version(), result: ended.result };
      } finally {
        await chrome.close();
      }
    } finally {
      await server.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
