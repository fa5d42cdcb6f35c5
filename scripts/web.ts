// npm run web [-- --port N]: builds the page into dist/web and serves it on 127.0.0.1.
// npm run build:web [-- --out DIR]: only writes the static folder, for any web server.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildWeb, ROOT } from './browser-bundle.ts';
import { serveStatic } from './static-server.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: resolve(ROOT, 'dist/web') },
    port: { type: 'string', default: '8080' },
    'build-only': { type: 'boolean', default: false },
  },
});
const out = resolve(values.out);
await buildWeb(out);
if (values['build-only']) {
  console.log(`web page written to ${out} (serve it from any web server; WebGPU needs https or localhost)`);
} else {
  const server = await serveStatic(out, Number(values.port)).catch(() => serveStatic(out));
  console.log(`TADT web page: ${server.url}  (serving ${out}; Ctrl-C to stop)`);
}
