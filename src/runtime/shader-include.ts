// WGSL has no include. A line `//#include NAME` in a shader file stands for the file NAME.wgsl of
// the same folder, read through the host's ShaderSource, so that kernels sharing an inner block
// (the subgroup GEMM and the direct conv) keep one copy of it and both hosts see the same text.
import type { ShaderSource } from './engine.ts';

const INCLUDE = /^\/\/#include ([\w-]+)[ \t]*$/gm;

/** `source` (the shader `name`) with every include line replaced by the named file, recursively. */
export function expandIncludes(name: string, source: string, read: ShaderSource, chain: readonly string[] = []): string {
  return source.replace(INCLUDE, (_, included: string) => {
    if (included === name || chain.includes(included)) throw new SyntaxError(`${[...chain, name, included].join(' -> ')}: include cycle`);
    return expandIncludes(included, read(included), read, [...chain, name]);
  });
}
