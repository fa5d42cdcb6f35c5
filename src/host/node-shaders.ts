import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The shaders folder sits at the package root: two levels up from src/host, three from a
// compiled dist/src/host.
const SHADER_DIR = ['../../shaders/', '../../../shaders/']
  .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
  .find((dir) => existsSync(dir));

const sources = new Map<string, string>();

/** The WGSL source of `shaders/<name>.wgsl`, read from the package on first use. */
export function readShaderFile(name: string): string {
  let source = sources.get(name);
  if (source === undefined) {
    if (!SHADER_DIR) throw new Error(`shader folder not found next to ${fileURLToPath(import.meta.url)}`);
    source = readFileSync(`${SHADER_DIR}${name}.wgsl`, 'utf8');
    sources.set(name, source);
  }
  return source;
}
