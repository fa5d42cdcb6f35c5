import { expect } from 'chai';
import { copyFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readWeightCache, writeWeightCache } from '../src/weights/cache.ts';
import { WeightFileError } from '../src/weights/errors.ts';
import { defaultCachePath, matCachePath } from '../src/weights/paths.ts';
import { resolveWeights } from '../src/weights/resolve.ts';
import { syntheticVggWeights } from '../src/weights/synthetic.ts';
import { SHARED_MAT_SHA256, sharedWeightsMat } from './helpers/mat-writer.ts';
import { tempDir } from './helpers/temp.ts';
import { itShared } from './helpers/shared.ts';

describe('weights: resolveWeights', () => {
  const dir = tempDir();
  const fullCache = join(dir, 'full.tadtw');
  before(async () => await writeWeightCache(fullCache, syntheticVggWeights({ seed: 99 })));
  const envWith = (name: string): NodeJS.ProcessEnv => ({ TADT_WEIGHTS_DIR: join(dir, name) });

  it('falls back to synthetic weights with a loud warning when nothing is installed', async () => {
    const env = envWith('empty');
    const w = await resolveWeights({ env });
    expect(w.weights.synthetic).to.equal(true);
    expect(w.weights.source).to.deep.equal({ kind: 'synthetic', seed: 20190401 });
    expect(w.weights.layers).to.have.length(10);
    expect(w.warning).to.match(/WARNING: no VGG-16 weights found/).and.include(defaultCachePath(env))
      .and.include('SYNTHETIC').and.include('tadt weights download');
    expect(w.path).to.equal(undefined);
  });

  it('loads the installed default cache', async () => {
    const env = envWith('installed');
    await writeWeightCache(defaultCachePath(env), await readWeightCache(fullCache));
    const w = await resolveWeights({ env });
    expect(w.path).to.equal(defaultCachePath(env));
    expect(w.warning).to.equal(undefined);
    expect(w.weights.source).to.deep.equal({ kind: 'synthetic', seed: 99 });
  });

  it('reads an explicit cache by its magic, whatever its name', async () => {
    const disguised = join(dir, 'looks-like.mat');
    copyFileSync(fullCache, disguised);
    const w = await resolveWeights({ weights: disguised, env: envWith('unused') });
    expect(w.path).to.equal(disguised);
    expect(w.weights.layers[9]!.name).to.equal('conv4_3');
  });

  itShared('converts an explicit .mat once into the weights dir, keyed by its sha256', async () => {
    const env = envWith('keyed');
    const first = await resolveWeights({ weights: sharedWeightsMat(), env });
    expect(first.path).to.equal(matCachePath(SHARED_MAT_SHA256, env));
    expect(first.weights.source.sha256).to.equal(SHARED_MAT_SHA256);
    expect(first.weights.synthetic).to.equal(false);
    const mtime = statSync(first.path!).mtimeMs;
    const again = await resolveWeights({ weights: sharedWeightsMat(), env });
    expect(statSync(again.path!).mtimeMs).to.equal(mtime);
    expect(again.weights.layers[3]!.weight[1000]).to.equal(first.weights.layers[3]!.weight[1000]);
    writeFileSync(first.path!, 'garbage'); // a damaged conversion is redone
    const rebuilt = await resolveWeights({ weights: sharedWeightsMat(), env });
    expect(rebuilt.weights.layers[3]!.weight[1000]).to.equal(first.weights.layers[3]!.weight[1000]);
    expect(readdirSync(join(dir, 'keyed'))).to.deep.equal([`vgg16-conv4-${SHARED_MAT_SHA256.slice(0, 16)}.tadtw`]);
  });

  it('rejects files that are neither, and caches with other shapes', async () => {
    const junk = join(dir, 'junk.tadtw');
    writeFileSync(junk, 'hello');
    await expectReject(resolveWeights({ weights: junk }), /junk\.tadtw: neither a MAT-file nor a TADTW001 weight cache/);
    await expectReject(resolveWeights({ weights: join(dir, 'missing.mat') }), /missing\.mat: cannot open weights/);
    const small = join(dir, 'small.tadtw');
    await writeWeightCache(small, syntheticVggWeights({ specs: [{ name: 'conv1_1', cin: 3, cout: 4 }] }));
    await expectReject(resolveWeights({ weights: small }),
      /small\.tadtw: layer 1 should be conv1_1 \(Cin 3, Cout 64\), found conv1_1 \(Cin 3, Cout 4\)/);
  });
});

async function expectReject(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(WeightFileError);
    expect((e as Error).message).to.match(pattern);
    return;
  }
  expect.fail(`expected a rejection matching ${pattern}`);
}
