// `npm run build` step: the browser bundle behind the package's `browser` export.
import { join } from 'node:path';
import { bundleCore, ROOT } from './browser-bundle.ts';

const out = join(ROOT, 'dist/browser/tadt-webgpu.js');
await bundleCore(out);
console.log(`browser bundle: ${out}`);
