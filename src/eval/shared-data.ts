import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Path inside the shared data folder: env TADT_SHARED, else `<repo>/../shared`. Throws (never returns a missing
 * path) so a test that needs the data fails with the expected location instead of skipping.
 */
export function sharedPath(...parts: string[]): string {
  const root = process.env.TADT_SHARED ?? resolve(REPO, '..', 'shared');
  const p = join(root, ...parts);
  if (!existsSync(p)) {
    throw new Error(`shared data not found: expected ${p} (set TADT_SHARED to the shared folder; default is <repo>/../shared = ${resolve(REPO, '..', 'shared')})`);
  }
  return p;
}
