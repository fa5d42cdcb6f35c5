// npm run bench -- browser [--frames N]: in one run, on the demo clip with the synthetic weights,
// the web page's steady-state FPS in headless Chromium (WebGPU on SwiftShader), Node's FPS on
// SwiftShader, and Node's on this process's adapter (lavapipe here), with the CPU named. FPS counts
// frames 2..N over their tracking time (learning the target on frame 1 excluded), on every host.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { SWIFTSHADER_ICD } from '../scripts/chromium.ts';
import { chooseFiles, dragBox, openPage, waitFor, writeFrames } from '../scripts/page-driver.ts';
import { demoClip } from '../src/demo/synthetic-sequence.ts';
import type { Box } from '../src/io/box.ts';
import type { Engine } from '../src/runtime/engine.ts';
import { cpuInfo, describeCpu } from './machine.ts';

interface Row {
  host: string;
  adapter: string;
  fps: number;
  initSeconds: number | null;
}

async function page(frames: number): Promise<Row> {
  const clip = demoClip(frames);
  const dir = mkdtempSync(join(tmpdir(), 'tadt-bench-'));
  const session = await openPage();
  try {
    const adapter = await session.page.$eval('#adapter', (e) => e.textContent ?? '');
    await chooseFiles(session.page, '#images-input', writeFrames(dir, clip.frames));
    await waitFor(session.page, (s) => s.state === 'ready', 60_000);
    await dragBox(session.page, clip.initBox.map(Math.round) as Box);
    await session.page.click('#start');
    const done = await waitFor(session.page, (s) => s.state === 'done', 60 * 60_000);
    return { host: 'web page, headless Chromium', adapter: adapter.replace(/^WebGPU adapter: |\s*\(a CPU.*$/g, ''), fps: done.fps ?? 0, initSeconds: done.initSeconds };
  } finally {
    await session.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function node(frames: number, env: NodeJS.ProcessEnv, host: string): Promise<Row> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/clip-fps.ts', String(frames)], {
    env: { ...process.env, ...env }, maxBuffer: 1 << 20,
  });
  const run = JSON.parse(stdout.trim().split('\n').at(-1)!);
  return { host, adapter: run.adapter, fps: run.fps, initSeconds: run.initSeconds };
}

export async function run(engine: Engine, opts: { json: boolean; argv: string[] }): Promise<void> {
  const { values } = parseArgs({ args: opts.argv, strict: false, options: { frames: { type: 'string', default: '8' } } });
  const frames = Math.max(3, Number(values.frames));
  const cpu = describeCpu(cpuInfo());
  // One after another: they share the CPU.
  const rows = [
    await page(frames),
    await node(frames, { VK_ICD_FILENAMES: SWIFTSHADER_ICD }, 'Node (Dawn)'),
    await node(frames, {}, 'Node (Dawn)'),
  ];
  if (opts.json) {
    console.log(JSON.stringify({ bench: 'browser', cpu, frames, date: new Date().toISOString().slice(0, 10), nodeAdapter: engine.adapterName, rows }));
    return;
  }
  console.log(`# demo clip, ${frames} frames of 320x240, synthetic weights; CPU: ${cpu}`);
  console.log('| host | adapter | FPS (frames 2..N) | ms per frame | first frame (s) |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.host} | ${r.adapter} | ${r.fps.toFixed(3)} | ${(1000 / r.fps).toFixed(0)} | ${r.initSeconds?.toFixed(1) ?? '-'} |`);
  }
}
