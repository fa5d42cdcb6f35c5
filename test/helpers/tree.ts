import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Writes text files under root, creating folders; returns root. */
export function writeTree(root: string, tree: Record<string, string>): string {
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** Empty frame files `<dir>/<number>.jpg`: enough for listing and opening sequences, which never decode them. */
export const frameFiles = (dir: string, n: number, digits: number, from = 1): Record<string, string> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${dir}/${String(from + i).padStart(digits, '0')}.jpg`, '']));

/** Lines of boxes, one a frame. */
export const boxLines = (boxes: readonly (readonly number[])[]): string => boxes.map((b) => `${b.join(',')}\n`).join('');
