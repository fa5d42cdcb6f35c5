// Tests that read ../shared (real sequences, the port's reference runs, the synthetic .mat) are
// registered with itShared/describeShared. Without the data they are skipped, and the run ends with
// one loud line naming them and how to provide the data; with CI set they always run, so that a
// CI machine without the data fails instead of passing on skips.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sharedRoot } from '../../src/eval/shared-data.ts';

const root = sharedRoot();
const available = existsSync(join(root, 'data')) && existsSync(join(root, 'weights'));
const required = Boolean(process.env.CI);
const skipped: (Mocha.Test | Mocha.Suite)[] = [];

/** `it` for a test that needs the shared data. */
export function itShared(title: string, fn: Mocha.AsyncFunc | Mocha.Func): Mocha.Test {
  if (available || required) return it(title, fn);
  const test = it.skip(title, fn);
  skipped.push(test);
  return test;
}

/** `describe` for a suite that needs the shared data throughout. */
export function describeShared(title: string, fn: (this: Mocha.Suite) => void): void {
  if (available || required) {
    describe(title, fn);
    return;
  }
  const suite = describe.skip(title, fn);
  if (suite) skipped.push(suite);
}

/** Mocha root hooks (loaded through .mocharc.json `require`). */
export const mochaHooks = {
  afterAll(): void {
    if (skipped.length === 0) return;
    const names = skipped.map((t) => t.fullTitle()).join('; ');
    console.log(
      `\nSKIPPED ${skipped.length} test${skipped.length > 1 ? 's' : ''} or suites that need the shared data: ${root} ` +
        `has no data/ and weights/. Point TADT_SHARED at the shared folder to run them (CI=1 makes them required). Skipped: ${names}`,
    );
  },
};
