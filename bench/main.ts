// npm run bench -- <kernels|backbone|track|peers|browser> [--json] [--filter TEXT] [--runs N] [bench-specific options]
import { parseArgs } from 'node:util';
import { createEngine } from '../src/host/node-engine.ts';
import { benchKernels } from './kernels.ts';
import { cpuInfo, describeCpu, loadAverage } from './machine.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  strict: false,
  options: {
    json: { type: 'boolean', default: false },
    filter: { type: 'string' },
    runs: { type: 'string' },
    browser: { type: 'boolean', default: false },
  },
});
const which = positionals[0] ?? 'kernels';
const json = values.json === true;
// The peers bench times engines 10-20x slower than ours: 3 runs keep it to minutes on lavapipe.
const runs = Math.max(3, Number(values.runs ?? (which === 'peers' ? 3 : 10)));
const engine = await createEngine();
// `peers --browser` runs in Chromium on its own adapter; this process's engine stays idle.
const where = which === 'peers' && values.browser === true ? 'in headless Chromium' : `on ${engine.adapterName}`;
if (!json) {
  console.log(`# ${which} ${where}, ${new Date().toISOString().slice(0, 10)}, median of ${runs} runs`);
  // Software adapters run on the CPU: a figure means little without it (peers and browser name it in their tables).
  if (which !== 'peers' && which !== 'browser') console.log(`# CPU: ${describeCpu(cpuInfo())}; load average ${loadAverage()}`);
}
try {
  switch (which) {
    case 'kernels':
      await benchKernels(engine, { json, filter: values.filter as string | undefined, runs });
      break;
    default: {
      const mod = (await import(`./${which}.ts`).catch(() => null)) as { run?: Function } | null;
      if (!mod?.run) throw new Error(`unknown bench "${which}": use kernels, backbone, track, peers or browser`);
      await mod.run(engine, { json, runs, argv: process.argv.slice(3) });
    }
  }
} finally {
  await engine.destroy();
}
