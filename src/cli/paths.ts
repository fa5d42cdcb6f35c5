import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** ../shared/data/<sub> beside the checkout (or $TADT_DATA/<sub>): the default dataset location. */
export function defaultDataRoot(sub: string): string {
  const root = process.env.TADT_DATA ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));
  const path = join(root, sub);
  if (!existsSync(path)) throw new Error(`no dataset given and ${path} does not exist: pass --dataset ROOT`);
  return path;
}
