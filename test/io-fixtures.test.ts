// Shared helpers for the io/demo tests, plus the check that the shared data is where the
// tests expect it: missing data must fail loudly, never skip.
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED = resolve(process.env.TADT_SHARED ?? join(repo, '..', 'shared'));

/** A path under the shared data folder; throws (failing the test) if it is missing. */
export function shared(...parts: string[]): string {
  const p = join(SHARED, ...parts);
  if (!existsSync(p)) throw new Error(`shared test data missing: expected ${p} (set TADT_SHARED to the shared folder)`);
  return p;
}

/** A fresh temporary folder, removed after the current test file. */
const made: string[] = [];
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tadt-io-'));
  made.push(d);
  return d;
}
after(() => made.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('io test fixtures', () => {
  it('finds the shared data folder', () => {
    expect(shared('data', 'otb', 'Skiing', 'groundtruth_rect.txt')).to.be.a('string');
    expect(shared('data', 'vot', 'bag', 'groundtruth.txt')).to.be.a('string');
  });
});
