import { createEngine } from '../host/node-engine.ts';

export async function infoCommand(): Promise<void> {
  const engine = await createEngine();
  const r = engine.adapterReport;
  console.log(`adapter: ${engine.adapterName}`);
  console.log(`software: ${r.software}, features: ${r.features.join(', ') || 'none'}`);
  console.log(`max storage binding: ${engine.device.limits.maxStorageBufferBindingSize} bytes`);
  await engine.destroy();
}
