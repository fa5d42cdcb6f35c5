import { expect } from 'chai';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../scripts/browser-bundle.ts';
import {
  chooseFiles, dragBox, messages, openPage, type PageSession, results, stats, waitFor, waitForMessage, writeFrames,
} from '../scripts/page-driver.ts';
import type { Box } from '../src/io/box.ts';
import { VGG_CONV_LAYERS } from '../src/weights/vgg.ts';
import { demoClip } from '../src/demo/synthetic-sequence.ts';
import { expectSameBoxes, trackClip } from './helpers/demo-clip.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { simplenn } from './helpers/mat-writer.ts';
import { yellowOnEdges } from './helpers/page-checks.ts';

// The page in Debian's headless Chromium on its SwiftShader driver, driven as a user would. It is
// slow there (tens of seconds to learn the target, seconds per frame), so the clip is short.
const FRAMES = 4;

/** The pid of the GPU process among the children of Chromium's browser process `parent` (from /proc). */
function gpuProcess(parent: number): number {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const ppid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]);
      if (ppid === parent && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=gpu-process')) return Number(pid);
    } catch {
      // the process ended while we looked
    }
  }
  throw new Error(`no GPU process under chromium ${parent}`);
}

/**
 * Runs in the page: records clip/1.png..N.png, served beside it, into a WebM (VP8) with
 * MediaRecorder, one requested frame each, and returns the file as base64.
 */
const RECORD_WEBM = `async (n) => {
  const canvas = document.createElement('canvas');
  canvas.width = 320;
  canvas.height = 240;
  const context = canvas.getContext('2d');
  const stream = canvas.captureStream(0);
  const track = stream.getVideoTracks()[0];
  const recorder = new MediaRecorder(stream, { mimeType: 'video/webm;codecs=vp8', videoBitsPerSecond: 8e6 });
  const chunks = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  const stopped = new Promise((resolve) => (recorder.onstop = resolve));
  const images = await Promise.all(Array.from({ length: n }, (_, i) =>
    fetch('clip/' + (i + 1) + '.png').then((r) => r.blob()).then((b) => createImageBitmap(b))));
  recorder.start();
  for (const image of images) {
    context.drawImage(image, 0, 0);
    track.requestFrame();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  recorder.stop();
  await stopped;
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}`;
const TRACKING_MS = 15 * 60_000;

describe('the web page in headless Chromium (WebGPU on SwiftShader)', function () {
  this.timeout(TRACKING_MS + 120_000);
  let session: PageSession;
  const dir = mkdtempSync(join(tmpdir(), 'tadt-page-'));
  const clip = demoClip(FRAMES);
  // The mouse drags whole pixels: Node tracks from the same rounded box.
  const initBox = clip.initBox.map(Math.round) as Box;
  const files = writeFrames(dir, clip.frames);

  before(async () => {
    session = await openPage(); // no chromium: fails with how to install it
  });
  after(async () => session?.close());

  it('finds WebGPU and names the adapter: SwiftShader', async () => {
    const adapter = await session.page.$eval('#adapter', (e) => [e.getAttribute('data-state'), e.textContent]);
    expect(adapter[0], `${adapter[1]} ${await messages(session.page)}`).to.equal('ready');
    expect(adapter[1]).to.match(/swiftshader/i);
  });

  it(`tracks ${FRAMES} demo frames chosen through the file input with the boxes of Node's tracker; pause, step, resume; the overlay is drawn`, async () => {
    const { page } = session;
    const reference = trackClip(await gpuEngine(), { frames: clip.frames, initBox });
    await chooseFiles(page, '#images-input', files);
    await waitFor(page, (s) => s.state === 'ready', 60_000);
    await dragBox(page, initBox);
    expect(await page.$eval('#start', (b) => b.hasAttribute('disabled')), await messages(page)).to.equal(false);
    await page.click('#start');
    await waitFor(page, (s) => s.frames >= 2, TRACKING_MS);
    await page.click('#pause');
    const paused = await waitFor(page, (s) => s.state === 'paused', TRACKING_MS);
    // Mid-run, paused on frame 2 or 3: the box of the frame shown is drawn on its edges.
    const shown = (await results(page)).at(-1)!;
    const canvas = (await page.$('#canvas'))!;
    const edges = yellowOnEdges(await canvas.screenshot(), shown, clip.frames[0]!.width);
    mkdirSync(join(ROOT, 'results', 'browser'), { recursive: true });
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(ROOT, 'results', 'browser', 'page-tracking.png') });
    expect(edges.every((share) => share >= 0.8), `yellow on the edges of [${shown}]: ${edges}`).to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await stats(page)).frames, 'no frame while paused').to.equal(paused.frames);
    if (paused.frames < FRAMES) {
      await page.click('#step');
      await waitFor(page, (s) => s.frames === paused.frames + 1 && s.state === 'paused', TRACKING_MS);
    }
    await page.click('#resume');
    const done = await waitFor(page, (s) => s.state === 'done', TRACKING_MS);
    expect(done.frames).to.equal(FRAMES);
    expect(done.fps).to.be.above(0);
    expectSameBoxes(await results(page), await reference, 'the page on SwiftShader vs Node');
    expect(session.pageErrors).to.deep.equal([]);
  });

  it('tracks a video file picked by the user, decoded by the browser frame by frame', async () => {
    const { page } = session;
    // A WebM of the clip, recorded by the browser itself (no encoder needed here).
    mkdirSync(join(session.root, 'clip'), { recursive: true });
    files.forEach((file, i) => copyFileSync(file, join(session.root, 'clip', `${i + 1}.png`)));
    const webm = Buffer.from(await page.evaluate<[], () => Promise<string>>(`(${RECORD_WEBM})(3)`), 'base64');
    const video = join(dir, 'clip.webm');
    writeFileSync(video, webm);
    await chooseFiles(page, '#video-input', [video]);
    await waitFor(page, (s) => s.state === 'ready' && /clip\.webm frame 1/.test(s.text), 60_000);
    await dragBox(page, initBox);
    await page.click('#start');
    const done = await waitFor(page, (s) => s.state === 'done', TRACKING_MS);
    expect(done.frames).to.equal(3);
    const boxes = await results(page);
    expect(boxes[0]).to.deep.equal(initBox);
    expect(boxes).to.have.length(3);
    expect(session.pageErrors).to.deep.equal([]);
  });

  it('shows the webcam\'s frames (Chromium\'s synthetic camera) for a box to be drawn', async () => {
    const { page } = session;
    await page.click('#webcam');
    const ready = await waitFor(page, (s) => s.state === 'ready' && /camera frame 1/.test(s.text), 60_000);
    expect(ready.text).to.match(/camera frame 1: \d+x\d+\. Drag a box/);
  });

  describe('bad input: a message, no crash, and the page stays usable', () => {
    it('a text file as a frame', async () => {
      const notes = join(dir, 'notes.txt');
      writeFileSync(notes, 'not an image\n');
      await chooseFiles(session.page, '#images-input', [files[0]!, notes]);
      await waitFor(session.page, (s) => s.state === 'idle', 60_000);
      expect(await messages(session.page)).to.match(/notes\.txt is not an image \(text\/plain\)/);
    });

    it('a box of zero size, and one outside the frame', async () => {
      const { page } = session;
      await chooseFiles(page, '#images-input', files.slice(0, 1));
      await waitFor(page, (s) => s.state === 'ready', 60_000);
      for (const [typed, why] of [['20,30,0,12', /zero or negative size/], ['400,300,10,10', /lies entirely outside the 320x240 first frame/]] as const) {
        await page.$eval('#box-text', (input, value) => ((input as unknown as { value: string }).value = value), typed);
        await page.click('#box-form button');
        expect(await messages(page)).to.match(why);
        expect(await page.$eval('#start', (b) => b.hasAttribute('disabled'))).to.equal(true);
      }
      await page.$eval('#box-text', (input) => ((input as unknown as { value: string }).value = '173,106,37,30'));
      await page.click('#box-form button');
      expect(await page.$eval('#start', (b) => b.hasAttribute('disabled')), 'a good box enables Start').to.equal(false);
    });

    it('a corrupt weights file, and one that is no weights at all', async () => {
      const { page } = session;
      const corrupt = join(dir, 'imagenet-vgg-verydeep-16.mat');
      const header = Buffer.alloc(200, 0x20);
      header.write('MATLAB 5.0 MAT-file', 0, 'latin1');
      header.writeUInt16LE(0x0100, 124);
      header.write('IM', 126, 'latin1');
      header.writeUInt32LE(15, 128); // a compressed element, then garbage
      header.writeUInt32LE(64, 132);
      writeFileSync(corrupt, header);
      await chooseFiles(page, '#weights-input', [corrupt]);
      await waitForMessage(page, /imagenet-vgg-verydeep-16\.mat: corrupt compressed element at byte offset 128/, 60_000);
      // Dropped on the weights panel, as a user drags a file from the desktop.
      await page.evaluate(`{
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(300).fill(7)], 'weights.bin'));
        document.querySelector('#weights-drop').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }`);
      await waitForMessage(page, /weights\.bin: neither a MAT-file nor a TADTW001 weight cache/, 60_000);
      expect(await page.$eval('#weights-status', (e) => e.textContent)).to.match(/synthetic/);
      expect(session.pageErrors).to.deep.equal([]);
    });

    const withoutAdapter = [
      ['a browser without WebGPU', 'Object.defineProperty(Navigator.prototype, "gpu", { get: () => undefined })',
        /does not offer WebGPU \(navigator\.gpu is missing\)\. It is on by default in Chrome/],
      ['a browser whose WebGPU gives no adapter', 'GPU.prototype.requestAdapter = async () => null',
        /WebGPU is present but gave no adapter: .*check chrome:\/\/gpu/],
    ] as const;
    for (const [title, script, message] of withoutAdapter) {
      it(title, async () => {
        const page = await session.page.browser().newPage();
        try {
          await page.evaluateOnNewDocument(script);
          await page.goto(session.server.url);
          await page.waitForSelector('#adapter[data-state="missing"]');
          expect(await messages(page)).to.match(message);
        } finally {
          await page.close();
        }
      });
    }

    it('frames of different sizes: tracking stops at the odd frame, naming it and both sizes', async () => {
      const { page } = session;
      const odd = join(dir, 'odd');
      mkdirSync(odd, { recursive: true });
      const small = { width: 160, height: 120, data: new Uint8Array(160 * 120 * 3).fill(90) };
      const [first, second] = writeFrames(odd, [clip.frames[0]!, small]);
      await chooseFiles(page, '#images-input', [first!, second!]);
      await waitFor(page, (s) => s.state === 'ready', 60_000);
      await page.$eval('#box-text', (input, value) => ((input as unknown as { value: string }).value = value), initBox.join(','));
      await page.click('#box-form button');
      await page.click('#start');
      await waitForMessage(page, /Tracking stopped: 0002\.png is 160x120, but the first frame \(0001\.png\) is 320x240/, TRACKING_MS);
      expect((await stats(page)).state).to.equal('error');
      expect(session.pageErrors).to.deep.equal([]);
    });

    it('a lost GPU device, with a restart', async () => {
      const { page } = session;
      // Chromium's GPU process, killed: the page's device is lost, as after a driver crash.
      process.kill(gpuProcess(page.browser().process()!.pid!), 'SIGKILL');
      await page.waitForSelector('#adapter[data-state="lost"]', { timeout: 60_000 });
      expect(await messages(page)).to.match(/The GPU device was lost/);
      await page.click('#messages button');
      await page.waitForSelector('#adapter[data-state="ready"]', { timeout: 60_000 });
      expect(session.pageErrors).to.deep.equal([]);
    });
  });

  it('converts a MatConvNet file from a URL in the page, keeps it for the next visit, and forgets it', async () => {
    const { page } = session;
    // VGG-16's conv layers in MatConvNet's layout, compressed: the page inflates with DecompressionStream.
    const value = (l: number, ky: number, kx: number, ci: number, co: number) => ((l * 31 + ky * 7 + kx * 3 + ci + co) % 17) / 1700 - 0.005;
    writeFileSync(join(session.root, 'vgg.mat'), simplenn(VGG_CONV_LAYERS, { value, compress: true }));
    await page.$eval('#weights-url', (input, url) => ((input as unknown as { value: string }).value = url), `${session.server.url}vgg.mat`);
    await page.click('#weights-url-form button');
    await waitForMessage(page, /Weights ready \(converted in this page\); kept in this browser for your next visit/, 5 * 60_000);
    expect(await messages(page)).not.to.match(/SYNTHETIC/);
    await page.reload();
    await page.waitForSelector('#adapter:not([data-state="starting"])');
    await page.waitForFunction('/kept from/.test(document.querySelector("#weights-status").textContent)', { timeout: 60_000 });
    expect(await messages(page)).not.to.match(/SYNTHETIC/);
    await page.click('#weights-forget');
    await waitForMessage(page, /SYNTHETIC random weights/, 10_000);
    expect(await page.$eval('#weights-status', (e) => e.textContent)).to.match(/synthetic/);
    expect(session.pageErrors).to.deep.equal([]);
  });
});
