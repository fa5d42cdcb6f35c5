import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../src/runtime/engine.ts';
import { type KernelCase, measure, printRow, toRow } from './harness.ts';

/**
 * Every file in bench/kernels/ exports `cases: KernelCase[]` for its op; `filter` keeps the rows
 * whose name contains it.
 */
export async function benchKernels(engine: Engine, opts: { json: boolean; filter?: string; runs: number }) {
  const dir = fileURLToPath(new URL('./kernels/', import.meta.url));
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
    const { cases } = (await import(`./kernels/${file}`)) as { cases: KernelCase[] };
    for (const c of cases) {
      if (opts.filter && !c.name.includes(opts.filter)) continue;
      const { steps, release } = await c.setup(engine);
      const t = await measure(engine, steps, opts.runs);
      release();
      printRow(toRow('kernels', c.name, engine.adapterName, t, c.flops, c.bytes), opts.json);
    }
  }
}
