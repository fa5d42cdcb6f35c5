import { expect } from 'chai';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_MAGIC, convertMatToCache, readWeightCache, writeWeightCache } from '../src/weights/cache.ts';
import { CacheError } from '../src/weights/errors.ts';
import { syntheticVggWeights } from '../src/weights/synthetic.ts';
import type { VggLayerSpec, VggWeights } from '../src/weights/vgg.ts';
import { SHARED_HWIO_SHA256, SHARED_MAT_SHA256, sharedWeightsMat, writeIn } from './helpers/mat-writer.ts';
import { tempDir } from './helpers/temp.ts';
import { itShared } from './helpers/shared.ts';
import { rejects } from './helpers/rejects.ts';

const SMALL: VggLayerSpec[] = [{ name: 'conv1_1', cin: 3, cout: 4 }, { name: 'conv1_2', cin: 4, cout: 5 }];

function expectSameLayers(a: VggWeights, b: VggWeights): void {
  expect(a.layers.length).to.equal(b.layers.length);
  a.layers.forEach((l, i) => {
    const m = b.layers[i]!;
    expect([l.name, l.cin, l.cout]).to.deep.equal([m.name, m.cin, m.cout]);
    expect(Buffer.compare(Buffer.from(l.weight.buffer, l.weight.byteOffset, l.weight.byteLength),
      Buffer.from(m.weight.buffer, m.weight.byteOffset, m.weight.byteLength))).to.equal(0);
    expect(Array.from(l.bias)).to.deep.equal(Array.from(m.bias));
  });
}

describe('weights: converted cache (TADTW001)', () => {
  const small = syntheticVggWeights({ specs: SMALL });

  it('round-trips weights, header and source, with 64-byte aligned data', async () => {
    const dir = tempDir();
    const path = join(dir, 'w.tadtw');
    const header = await writeWeightCache(path, small);
    expect(readdirSync(dir)).to.deep.equal(['w.tadtw']);
    const bytes = readFileSync(path);
    expect(bytes.toString('latin1', 0, 8)).to.equal(CACHE_MAGIC);
    const json = JSON.parse(bytes.toString('utf8', 12, 12 + bytes.readUInt32LE(8)));
    expect(json).to.deep.equal(header);
    expect(json.dataOffset % 64).to.equal(0);
    expect(json.layers.map((l: { layout: string }) => l.layout)).to.deep.equal(['HWIO', 'HWIO']);
    expect(bytes.length).to.equal(json.dataOffset + json.dataBytes);
    const back = await readWeightCache(path);
    expectSameLayers(back, small);
    expect(back.synthetic).to.equal(true);
    expect(back.source).to.deep.equal(small.source);
  });

  it('replaces an existing cache', async () => {
    const dir = tempDir();
    const path = join(dir, 'w.tadtw');
    await writeWeightCache(path, syntheticVggWeights({ specs: SMALL, seed: 1 }));
    await writeWeightCache(path, small);
    expectSameLayers(await readWeightCache(path), small);
    expect(readdirSync(dir)).to.deep.equal(['w.tadtw']);
  });

  it('leaves no temp file when the write fails', async () => {
    const dir = tempDir();
    const path = join(dir, 'taken');
    mkdirSync(join(path, 'inside'), { recursive: true }); // renaming onto a non-empty directory fails
    await rejects(writeWeightCache(path, small), /.+/);
    expect(readdirSync(dir)).to.deep.equal(['taken']);
  });

  describe('rejects bad files, naming them', () => {
    const dir = tempDir();
    let bytes: Buffer;
    before(async () => {
      await writeWeightCache(join(dir, 'good.tadtw'), small);
      bytes = readFileSync(join(dir, 'good.tadtw'));
    });
    const bad = (name: string, content: Buffer): string => writeIn(dir, name, content);

    it('truncated', async () => {
      const p = bad('cut.tadtw', bytes.subarray(0, bytes.length - 100));
      expect(await rejects(readWeightCache(p), new RegExp(`${p}: not a valid weight cache: truncated: ${bytes.length - 100} bytes, the header describes ${bytes.length}`))).to.be.instanceOf(CacheError);
      const q = bad('cut-header.tadtw', bytes.subarray(0, 40));
      expect(await rejects(readWeightCache(q), /cut-header\.tadtw: .*truncated header/)).to.be.instanceOf(CacheError);
    });

    it('wrong magic, broken header, flipped data bit, trailing bytes, missing file', async () => {
      const magic = Buffer.from(bytes);
      magic.write('TADTW999', 0, 'latin1');
      expect(await rejects(readWeightCache(bad('magic.tadtw', magic)), /magic\.tadtw: .*missing magic "TADTW001"/)).to.be.instanceOf(CacheError);
      const json = Buffer.from(bytes);
      json.write('#', 12, 'latin1');
      expect(await rejects(readWeightCache(bad('json.tadtw', json)), /json\.tadtw: .*corrupt JSON header/)).to.be.instanceOf(CacheError);
      const flipped = Buffer.from(bytes);
      flipped[flipped.length - 7]! ^= 0x10;
      expect(await rejects(readWeightCache(bad('flip.tadtw', flipped)), /flip\.tadtw: .*checksum mismatch/)).to.be.instanceOf(CacheError);
      expect(await rejects(readWeightCache(bad('long.tadtw', Buffer.concat([bytes, Buffer.alloc(4)]))), /long\.tadtw: .*4 unexpected bytes after the data/)).to.be.instanceOf(CacheError);
      expect(await rejects(readWeightCache(join(dir, 'none.tadtw')), /none\.tadtw: cannot read weight cache/)).to.be.instanceOf(CacheError);
    });

    it('a well-formed header that does not fit the data', async () => {
      const withHeader = (edit: (h: { dataOffset: number; layers: Record<string, number>[] }) => void): Buffer => {
        const out = Buffer.from(bytes);
        const header = JSON.parse(out.toString('utf8', 12, 12 + out.readUInt32LE(8)));
        edit(header);
        const json = Buffer.from(JSON.stringify(header));
        out.fill(0x20, 12, header.dataOffset);
        out.writeUInt32LE(json.length, 8);
        json.copy(out, 12);
        return out;
      };
      const far = bad('far.tadtw', withHeader((h) => { h.layers[1]!.biasOffset = 1e6; }));
      expect(await rejects(readWeightCache(far, { verify: false }), /far\.tadtw: .*layer conv1_2 bias lies outside the data/)).to.be.instanceOf(CacheError);
      const shape = bad('shape.tadtw', withHeader((h) => { h.layers[0]!.cout = 5; }));
      expect(await rejects(readWeightCache(shape), /shape\.tadtw: .*layer conv1_1 has inconsistent shape/)).to.be.instanceOf(CacheError);
    });
  });

  itShared('converts the shared MatConvNet file and loads the cache quickly', async () => {
    const dir = tempDir();
    const out = join(dir, 'vgg16-conv4.tadtw');
    const stages = new Set<string>();
    const converted = await convertMatToCache(sharedWeightsMat(), out, (stage) => stages.add(stage));
    expect([...stages]).to.deep.equal(['hash', 'read', 'write']);
    expect(converted.source).to.deep.equal({
      kind: 'matconvnet', file: 'vgg16-synthetic-conv4.mat', sha256: SHARED_MAT_SHA256,
    });
    const t0 = performance.now();
    const cached = await readWeightCache(out);
    const ms = performance.now() - t0;
    console.log(`      readWeightCache (${(readFileSync(out).length / 1e6).toFixed(1)} MB, checksum verified): ${ms.toFixed(0)} ms`);
    expect(ms).to.be.below(1000);
    expect(cached.source).to.deep.equal(converted.source);
    expect(cached.synthetic).to.equal(false);
    const bytes = readFileSync(out);
    expect(JSON.parse(bytes.toString('utf8', 12, 12 + bytes.readUInt32LE(8))).dataSha256).to.equal(SHARED_HWIO_SHA256);
    expectSameLayers(cached, converted);
  });
});
