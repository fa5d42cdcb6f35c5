import { expect } from 'chai';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FrameError, loadFrame } from '../src/io/frame.ts';
import { FramePrefetcher } from '../src/io/prefetch.ts';
import { tempDir } from './helpers/temp.ts';
import { sharedPath } from '../src/eval/shared-data.ts';
import { itShared } from './helpers/shared.ts';

const skiing = (n: number) =>
  Array.from({ length: n }, (_, i) => sharedPath('data', 'otb', 'Skiing', 'img', `${String(i + 1).padStart(4, '0')}.jpg`));

describe('io/prefetch: FramePrefetcher', () => {
  itShared('returns the same frames as loadFrame, in order, then refuses more', async () => {
    const paths = skiing(6);
    const pf = new FramePrefetcher(paths);
    try {
      for (const p of paths) {
        const [got, want] = await Promise.all([pf.next(), loadFrame(p)]);
        expect([got.width, got.height]).to.deep.equal([want.width, want.height]);
        expect(Buffer.from(got.data).equals(Buffer.from(want.data)), p).to.equal(true);
      }
      expect(pf.remaining).to.equal(0);
      let err: unknown;
      await pf.next().catch((e) => (err = e));
      expect(err).to.be.instanceOf(RangeError);
    } finally {
      await pf.close();
    }
  });

  itShared('reads `depth` frames ahead of the one handed out', async () => {
    const dir = tempDir();
    const paths = skiing(4).map((p, i) => {
      const copy = join(dir, `${i}.jpg`);
      copyFileSync(p, copy);
      return copy;
    });
    const pf = new FramePrefetcher(paths, { depth: 2 });
    try {
      await pf.next();
      await sleep(500); // reading two 30 kB files takes well under a millisecond
      rmSync(paths[1]);
      rmSync(paths[2]);
      for (let i = 1; i < 4; i++) expect((await pf.next()).width, `frame ${i}`).to.equal(640);
    } finally {
      await pf.close();
    }
  });

  itShared('reports a bad frame as a FrameError when it is reached, and carries on', async () => {
    const bad = join(tempDir(), 'bad.jpg');
    writeFileSync(bad, 'not a jpeg');
    const [a, b] = skiing(2);
    const pf = new FramePrefetcher([a, bad, b]);
    try {
      expect((await pf.next()).width).to.equal(640);
      let err: unknown;
      await pf.next().catch((e) => (err = e));
      expect(err).to.be.instanceOf(FrameError);
      expect((err as FrameError).file).to.equal(bad);
      expect((await pf.next()).width).to.equal(640);
    } finally {
      await pf.close();
    }
  });

  itShared('refuses next() after close()', async () => {
    const pf = new FramePrefetcher(skiing(3));
    await pf.next();
    await pf.close();
    let err: unknown;
    await pf.next().catch((e) => (err = e));
    expect(String(err)).to.match(/after close/);
  });
});
