import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readWeightCache } from '../src/weights/cache.ts';
import { DownloadError, downloadWeights, formatProgress, type DownloadOptions } from '../src/weights/download.ts';
import { VGG_CONV_LAYERS, weightAt } from '../src/weights/vgg.ts';
import { simplenn } from './helpers/mat-writer.ts';
import { tempDir } from './helpers/temp.ts';

// cheap, position-dependent values in the real VGG shapes, so that conversion succeeds
const value = (l: number, ky: number, kx: number, ci: number, co: number): number => ((l + ky * 3 + kx + ci * 7 + co * 11) % 17) / 16 - 0.5;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('weights: download', () => {
  let fixture: Buffer;
  let md5 = '';
  let sha256 = '';
  let server: Server;
  let base = '';

  before(async () => {
    fixture = simplenn(VGG_CONV_LAYERS, { value, bias: (l, co) => l + co / 1000 });
    md5 = createHash('md5').update(fixture).digest('hex');
    sha256 = createHash('sha256').update(fixture).digest('hex');
    server = createServer((req, res) => {
      const path = req.url ?? '/';
      if (path === '/models/vgg.mat' || path === '/no-length.mat') {
        if (path === '/models/vgg.mat') res.setHeader('content-length', fixture.length);
        res.end(fixture);
      } else if (path === '/old/vgg.mat') {
        res.writeHead(302, { location: '/models/vgg.mat' }).end();
      } else if (path.startsWith('/loop')) {
        res.writeHead(301, { location: `/loop${path.length}` }).end();
      } else if (path === '/cut.mat') {
        res.writeHead(200, { 'content-length': fixture.length + 1000 });
        res.write(fixture.subarray(0, 100_000), () => res.destroy());
      } else if (path === '/text.mat') {
        res.end('not a mat file');
      } else {
        res.writeHead(404, 'Not Found').end();
      }
    });
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function expectFailure(opts: DownloadOptions, pattern: RegExp): Promise<string> {
    const dir = tempDir();
    const dest = join(dir, 'cache', 'vgg16-conv4.tadtw');
    let error: unknown;
    try {
      await downloadWeights({ dest, ...opts });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(DownloadError);
    expect((error as Error).message).to.match(pattern);
    expect((error as Error).message).to.include(`download of ${opts.url} failed: `);
    expect(readdirSync(join(dir, 'cache')), 'files left behind').to.deep.equal([]);
    return (error as Error).message;
  }

  it('downloads, verifies, converts and removes the .mat (following a redirect)', async () => {
    const dir = tempDir();
    const dest = join(dir, 'vgg16-conv4.tadtw');
    const seen: [number, number | undefined][] = [];
    const result = await downloadWeights({
      url: `${base}/old/vgg.mat`, md5, dest, onProgress: (r, t) => seen.push([r, t]),
    });
    expect(result.dest).to.equal(dest);
    expect(result.bytes).to.equal(fixture.length);
    expect(readdirSync(dir)).to.deep.equal(['vgg16-conv4.tadtw']);
    expect(seen.at(-1)).to.deep.equal([fixture.length, fixture.length]);
    const w = await readWeightCache(dest);
    expect(w.source).to.deep.equal({ kind: 'matconvnet', file: 'vgg.mat', sha256 });
    expect(weightAt(w.layers[7]!, 9, 200, 2, 1)).to.equal(value(7, 2, 1, 200, 9));
    expect(w.layers[9]!.bias[500]).to.equal(Math.fround(9.5));
  });

  it('accepts a sha256 instead of the md5, and a body without Content-Length', async () => {
    const dir = tempDir();
    const tmpDir = join(dir, 'staging');
    mkdirSync(tmpDir);
    await downloadWeights({ url: `${base}/no-length.mat`, sha256, dest: join(dir, 'w.tadtw'), tmpDir });
    expect(readdirSync(dir).sort()).to.deep.equal(['staging', 'w.tadtw']);
    expect(readdirSync(tmpDir)).to.deep.equal([]);
  });

  it('connection refused', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    await expectFailure({ url: `http://127.0.0.1:${port}/vgg.mat`, md5 }, /connection refused \(.*ECONNREFUSED/);
  });

  it('HTTP 404', async () => {
    await expectFailure({ url: `${base}/missing.mat`, md5 }, /HTTP 404 Not Found/);
  });

  it('too many redirects', async () => {
    await expectFailure({ url: `${base}/loop`, md5 }, /more than 5 redirects/);
  });

  it('truncated body', async () => {
    await expectFailure({ url: `${base}/cut.mat`, md5 }, new RegExp(`truncated body: received \\d+ of ${fixture.length + 1000} bytes`));
  });

  it('checksum mismatch (the default md5 is MatConvNet\'s)', async () => {
    await expectFailure({ url: `${base}/models/vgg.mat` },
      new RegExp(`md5 checksum mismatch: expected 7f0f9f01dfd99c7b7088d1c5a26eb483, got ${md5}`));
    await expectFailure({ url: `${base}/models/vgg.mat`, sha256: '0'.repeat(64) }, /sha256 checksum mismatch/);
  });

  it('conversion failure', async () => {
    const textMd5 = createHash('md5').update('not a mat file').digest('hex');
    await expectFailure({ url: `${base}/text.mat`, md5: textMd5 }, /not a MAT-file/);
  });

  it('formats a progress line', async () => {
    expect(formatProgress(264_000_000, 528_000_000, 20, 10))
      .to.equal('[#####-----]  50.0%  264.0/528.0 MB  13.2 MB/s  ETA 00:20');
    expect(formatProgress(0, 528_000_000, 0, 4)).to.equal('[----]   0.0%  0.0/528.0 MB  0.0 MB/s  ETA --:--');
    expect(formatProgress(5_000_000, undefined, 2)).to.equal('5.0 MB  2.5 MB/s');
    expect(formatProgress(528_000_000, 528_000_000, 4000, 2)).to.equal('[##] 100.0%  528.0/528.0 MB  0.1 MB/s  ETA 00:00');
    expect(formatProgress(1, 528_000_000, 1, 2)).to.match(/ETA 146666:39:59$/);
  });
});
