import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FrameError, loadFrame } from '../src/io/frame.ts';
import { FramePrefetcher } from '../src/io/prefetch.ts';
import { shared, tempDir } from './io-fixtures.test.ts';

const skiing = (n: number) =>
  Array.from({ length: n }, (_, i) => shared('data', 'otb', 'Skiing', 'img', `${String(i + 1).padStart(4, '0')}.jpg`));

for (const worker of [true, false]) {
  describe(`io/prefetch: FramePrefetcher (worker=${worker})`, () => {
    it('returns the same frames as loadFrame, in order, then refuses more', async () => {
      const paths = skiing(6);
      const pf = new FramePrefetcher(paths, { worker });
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

    it('reports a bad frame as a FrameError when it is reached, and carries on', async () => {
      const bad = join(tempDir(), 'bad.jpg');
      writeFileSync(bad, 'not a jpeg');
      const [a, b] = skiing(2);
      const pf = new FramePrefetcher([a, bad, b], { worker });
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

    it('refuses next() after close()', async () => {
      const pf = new FramePrefetcher(skiing(3), { worker });
      await pf.next();
      await pf.close();
      let err: unknown;
      await pf.next().catch((e) => (err = e));
      expect(String(err)).to.match(/after close/);
    });
  });
}
