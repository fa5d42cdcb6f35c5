import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** The shared data folder: env TADT_SHARED, else `<repo>/../shared`. */
export function sharedRoot(): string {
  return process.env.TADT_SHARED ?? resolve(REPO, '..', 'shared');
}

/**
 * Path inside the shared data folder. Throws (never returns a missing path) so that a caller that
 * needs the data fails with the expected location.
 */
export function sharedPath(...parts: string[]): string {
  const p = join(sharedRoot(), ...parts);
  if (!existsSync(p)) {
    throw new Error(`shared data not found: expected ${p} (set TADT_SHARED to the shared folder; default is <repo>/../shared = ${resolve(REPO, '..', 'shared')})`);
  }
  return p;
}
