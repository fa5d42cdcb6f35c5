// Debian's chromium as the browser of the tests and the bench: where it lives, the flags that give
// headless WebGPU on its bundled SwiftShader driver (../shared/spec/browser-webgpu.md), and how to
// get it where it is missing.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

export const CHROMIUM = '/usr/lib/chromium/chromium';
/** SwiftShader's Vulkan ICD, shipped with Debian's chromium; Dawn in Node can load it too. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export const CHROMIUM_HELP =
  `Debian's chromium (>= 156, from bookworm-security) is needed at ${CHROMIUM}: run \`npm run setup\` as root ` +
  '(it runs apt-get install chromium), or install it yourself.';

const FLAGS = [
  '--no-sandbox', // the machines run as root, where Chromium refuses to start sandboxed
  '--enable-unsafe-webgpu', // without it requestAdapter() gives null on a CPU adapter
  '--disable-gpu-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

export interface HeadlessChromium {
  browser: Browser;
  close(): Promise<void>;
}

/** Starts headless chromium with WebGPU and a throwaway profile; throws CHROMIUM_HELP when it is not installed. */
export async function launchChromium(): Promise<HeadlessChromium> {
  if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM_HELP);
  const profile = mkdtempSync(join(tmpdir(), 'tadt-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...FLAGS, `--user-data-dir=${profile}`],
    // SwiftShader runs the GPU work on the CPU; the page can be busy for minutes at a time.
    protocolTimeout: 30 * 60_000,
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
