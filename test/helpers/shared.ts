import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** ../shared beside the repo (or $TADT_SHARED). Missing data fails the test, naming the path. */
export function sharedPath(...parts: string[]): string {
  const root = process.env.TADT_SHARED ?? fileURLToPath(new URL('../../../shared', import.meta.url));
  const path = join(root, ...parts);
  if (!existsSync(path)) {
    throw new Error(`shared data not found: ${path} (set TADT_SHARED to the folder holding spec/, data/, weights/)`);
  }
  return path;
}
