// Exit 0 and print the adapter's description when Dawn finds a WebGPU adapter, exit 1 otherwise.
// Plain JS so that it runs before any TypeScript tooling is known to work.
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
const instance = create([]);
const adapter = await instance.requestAdapter();
if (!adapter) {
  console.log('no WebGPU adapter');
  process.exit(1);
}
const info = adapter.info;
console.log(`adapter: ${info.vendor} ${info.architecture} ${info.description}`.replace(/\s+/g, ' ').trim());
// Exit explicitly: a live Dawn instance keeps the event loop alive.
process.exit(0);
