// Drives the web page in headless Chromium as a user would (files through the inputs, the box
// dragged with the mouse, the buttons pressed) and reads what it shows: for the browser tests and
// the browser bench.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import type { Frame } from '../src/io/rgb-frame.ts';
import { toPng } from '../src/vis/raster.ts';
import { buildWeb } from './browser-bundle.ts';
import { type HeadlessChromium, launchChromium } from './chromium.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

export type Box = [number, number, number, number];

export interface PageSession {
  page: Page;
  server: StaticServer;
  /** The served folder: the built page; tests may add files beside it. */
  root: string;
  /** Errors thrown in the page and never caught. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Builds the page into a temporary folder, serves it on 127.0.0.1 and opens it in headless Chromium. */
export async function openPage(): Promise<PageSession> {
  const root = mkdtempSync(join(tmpdir(), 'tadt-web-'));
  await buildWeb(root);
  const server = await serveStatic(root);
  let chrome: HeadlessChromium;
  try {
    chrome = await launchChromium();
  } catch (e) {
    await server.close();
    throw e;
  }
  const page = await chrome.browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String((e as Error).message ?? e)));
  await page.goto(server.url);
  await page.waitForSelector('#adapter:not([data-state="starting"])');
  return {
    page, server, root, pageErrors,
    async close() {
      await chrome.close();
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export async function chooseFiles(page: Page, input: string, files: readonly string[]): Promise<void> {
  // The Node program has no DOM types: an input element handle is what uploadFile needs.
  const element = (await page.$(input)) as unknown as Pick<ElementHandle, 'dispose'> & { uploadFile(...paths: string[]): Promise<void> } | null;
  if (!element) throw new Error(`the page has no ${input}`);
  await element.uploadFile(...files);
  await element.dispose();
}

/** Drags a box (frame pixels, 0-based) on the canvas, which shows frames at 1 CSS pixel per frame pixel. */
export async function dragBox(page: Page, [x, y, w, h]: Box): Promise<void> {
  await page.$eval('#canvas', (c) => c.scrollIntoView());
  const r = await page.$eval('#canvas', (c) => {
    const rect = c.getBoundingClientRect();
    return { left: rect.left, top: rect.top, scale: rect.width / Number(c.getAttribute('width')) };
  });
  await page.mouse.move(r.left + x * r.scale, r.top + y * r.scale);
  await page.mouse.down();
  await page.mouse.move(r.left + (x + w) * r.scale, r.top + (y + h) * r.scale, { steps: 4 });
  await page.mouse.up();
}

export interface Stats {
  state: string;
  frames: number;
  fps: number | null;
  text: string;
}

export function stats(page: Page): Promise<Stats> {
  return page.$eval('#stats', (e) => ({
    state: e.getAttribute('data-state') ?? '',
    frames: Number(e.getAttribute('data-frames') ?? 0),
    fps: e.hasAttribute('data-fps') ? Number(e.getAttribute('data-fps')) : null,
    text: e.textContent ?? '',
  }));
}

/** Polls the page's status until `done(stats)`; the page may be busy for seconds at a time on SwiftShader. */
export async function waitFor(page: Page, done: (s: Stats) => boolean, timeoutMs: number): Promise<Stats> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const s = await stats(page);
    if (done(s)) return s;
    if (s.state === 'error') throw new Error(`the page stopped with an error: ${s.text} ${await messages(page)}`);
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s; the page says: ${s.text}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The text of the page's messages, one per line. */
export function messages(page: Page): Promise<string> {
  return page.$$eval('#messages .message', (all) => all.map((m) => m.textContent).join('\n'));
}

/** The results shown on the page (OTB lines, 1-based), as 0-based boxes. */
export async function results(page: Page): Promise<Box[]> {
  const text = await page.$eval('#results', (e) => e.textContent ?? '');
  return text.trim().split('\n').filter(Boolean).map((line: string) => {
    const [x, y, w, h] = line.split(',').map(Number) as Box;
    return [x - 1, y - 1, w, h];
  });
}

/** Waits until one of the page's messages matches `pattern`; returns them all. */
export async function waitForMessage(page: Page, pattern: RegExp, timeoutMs: number): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const text = await messages(page);
    if (pattern.test(text)) return text;
    if (Date.now() > end) throw new Error(`no message matching ${pattern} after ${timeoutMs / 1000} s; the page says: ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Writes frames as 0001.png, 0002.png, … (lossless: the page decodes the very pixels Node tracks). */
export function writeFrames(dir: string, frames: readonly Frame[]): string[] {
  return frames.map((frame, i) => {
    const path = join(dir, `${String(i + 1).padStart(4, '0')}.png`);
    writeFileSync(path, toPng(frame));
    return path;
  });
}
