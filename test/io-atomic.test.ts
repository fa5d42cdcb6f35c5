import { expect } from 'chai';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResultWriter, writeFileAtomic } from '../src/io/atomic.ts';
import { formatCoord } from '../src/io/result-lines.ts';
import { tempDir } from './helpers/temp.ts';

async function rejects(p: Promise<unknown>): Promise<void> {
  let failed = false;
  await p.catch(() => (failed = true));
  expect(failed, 'expected a rejection').to.equal(true);
}

describe('io/atomic: writeFileAtomic', () => {
  it('writes exactly the given text and bytes, replacing an old file', async () => {
    const dir = tempDir();
    const p = join(dir, 'a.txt');
    writeFileSync(p, 'old contents that are longer\n');
    await writeFileAtomic(p, 'x,y\n');
    expect(readFileSync(p, 'utf8')).to.equal('x,y\n');
    await writeFileAtomic(p, Uint8Array.of(0, 255, 10));
    expect(Array.from(readFileSync(p))).to.deep.equal([0, 255, 10]);
    expect(readdirSync(dir)).to.deep.equal(['a.txt']);
  });

  it('leaves neither the target nor a temporary file when writing or renaming fails', async () => {
    const dir = tempDir();
    await rejects(writeFileAtomic(join(dir, 'bad.txt'), 42 as unknown as string)); // write throws
    mkdirSync(join(dir, 'taken')); // rename over a folder throws
    await rejects(writeFileAtomic(join(dir, 'taken'), 'data'));
    await rejects(writeFileAtomic(join(dir, 'no', 'such', 'dir.txt'), 'data'));
    expect(readdirSync(dir)).to.deep.equal(['taken']);
    expect(readdirSync(join(dir, 'taken'))).to.deep.equal([]);
  });
});

describe('io/atomic: ResultWriter', () => {
  it('formats coordinates with up to 4 decimals', () => {
    expect([446, 291.23, 1 / 3, 2.00004, -0.00001, 12.5].map(formatCoord)).to.deep.equal(['446', '291.23', '0.3333', '2', '0', '12.5']);
  });

  it('writes 1-based boxes and %.8f times, init box first, only on finish()', async () => {
    const out = join(tempDir(), 'results', 'TADT');
    const w = new ResultWriter(out, 'Skiing');
    w.add([445, 180, 29, 26], 1.25);
    w.add([440.12346, 172.5, 29.5, 24], 0.0123456789);
    expect(w.count).to.equal(2);
    expect(readdirSync(join(out, '..', '..'))).to.deep.equal([]); // nothing before finish()
    const { boxPath, timePath } = await w.finish();
    expect(boxPath).to.equal(join(out, 'Skiing.txt'));
    expect(readFileSync(boxPath, 'utf8')).to.equal('446,181,29,26\n441.1235,173.5,29.5,24\n');
    expect(readFileSync(timePath, 'utf8')).to.equal('1.25000000\n0.01234568\n');
    expect(readdirSync(out).sort()).to.deep.equal(['Skiing.txt', 'Skiing_time.txt']);
  });

  it('leaves nothing behind when the run throws before finish()', async () => {
    const out = join(tempDir(), 'res');
    const run = async () => {
      const w = new ResultWriter(out, 'Seq');
      w.add([0, 0, 1, 1], 0.1);
      throw new Error('interrupted');
    };
    await rejects(run());
    expect(readdirSync(join(out, '..'))).to.deep.equal([]);
  });
});
