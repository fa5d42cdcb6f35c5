import { expect } from 'chai';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../scripts/browser-bundle.ts';
import {
  chooseFiles, dragBox, messages, openPage, type PageSession, results, stats, waitFor, waitForMessage, writeFrames,
} from '../scripts/page-driver.ts';
import type { Box } from '../src/io/box.ts';
import { demoClip } from '../src/demo/synthetic-sequence.ts';
import { expectSameBoxes, trackClip } from './helpers/demo-clip.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { yellowOnEdges } from './helpers/page-checks.ts';

// The page in Debian's headless Chromium on its SwiftShader driver, driven as a user would. It is
// slow there (tens of seconds to learn the target, seconds per frame), so the clip is short.
const FRAMES = 4;

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
      const other = join(dir, 'weights.bin');
      writeFileSync(other, Buffer.alloc(300, 7));
      await chooseFiles(page, '#weights-input', [other]);
      await waitForMessage(page, /weights\.bin: neither a MAT-file nor a TADTW001 weight cache/, 60_000);
      expect(await page.$eval('#weights-status', (e) => e.textContent)).to.match(/synthetic/);
      expect(session.pageErrors).to.deep.equal([]);
    });
  });
});
