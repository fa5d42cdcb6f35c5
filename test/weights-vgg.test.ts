import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { MatError, parseMat } from '../src/weights/mat.ts';
import {
  extractVgg, parameterCount, VGG_CONV_LAYERS, weightAt, type VggLayerSpec,
} from '../src/weights/vgg.ts';
import { readVggMat } from '../src/weights/mat-file.ts';
import { cell, char, matFile, num, SHARED_HWIO_SHA256, sharedWeightsMat, simplenn, struct, writeIn, type SimplennOptions } from './helpers/mat-writer.ts';
import { tempDir } from './helpers/temp.ts';
import { itShared } from './helpers/shared.ts';
import { rejects } from './helpers/rejects.ts';

const SMALL: VggLayerSpec[] = [
  { name: 'conv1_1', cin: 3, cout: 4 }, { name: 'conv1_2', cin: 4, cout: 5 }, { name: 'conv2_1', cin: 5, cout: 2 },
];
// every (layer, co, ci, ky, kx) gets a distinct, exactly representable value
const value: SimplennOptions['value'] = (l, ky, kx, ci, co) => 10000 * l + 100 * co + 10 * ci + 3 * ky + kx;
const bias = (l: number, co: number): number => -(l * 10 + co) - 0.5;

async function extract(bytes: Buffer, specs: VggLayerSpec[] = SMALL) {
  return extractVgg(await parseMat(bytes, 'net.mat'), { file: 'net.mat', specs });
}

describe('weights: VGG extraction from MatConvNet simplenn', () => {
  it('lays W(ky,kx,ci,co) out as HWIO row-major, without flipping', async () => {
    for (const compress of [false, true]) {
      const w = await extract(simplenn(SMALL, { value, bias, compress }));
      expect(w.layers.map((l) => [l.name, l.cin, l.cout])).to.deep.equal(SMALL.map((s) => [s.name, s.cin, s.cout]));
      expect(w.synthetic).to.equal(false);
      expect(w.source).to.deep.equal({ kind: 'matconvnet', file: 'net.mat' });
      w.layers.forEach((layer, l) => {
        expect(layer.weight).to.be.instanceOf(Float32Array).with.length(9 * layer.cin * layer.cout);
        for (let co = 0; co < layer.cout; co++) {
          for (let ci = 0; ci < layer.cin; ci++) {
            for (let ky = 0; ky < 3; ky++) {
              for (let kx = 0; kx < 3; kx++) {
                const want = value(l, ky, kx, ci, co);
                expect(layer.weight[((ky * 3 + kx) * layer.cin + ci) * layer.cout + co]).to.equal(want);
                expect(weightAt(layer, co, ci, ky, kx)).to.equal(want);
              }
            }
          }
        }
        expect(Array.from(layer.bias)).to.deep.equal(Array.from({ length: layer.cout }, (_, co) => bias(l, co)));
      });
    }
  });

  it('accepts b stored as [Cout, 1]', async () => {
    const w = await extract(simplenn(SMALL, { value, bias, biasColumn: true }));
    expect(w.layers[1]!.bias[4]).to.equal(bias(1, 4));
  });

  it('reads the older filters/biases fields', async () => {
    const layer = struct({
      name: char('conv1_1'), type: char('conv'),
      filters: num('single', [3, 3, 3, 4], new Float32Array(108).fill(2)), biases: num('single', [1, 4], [1, 2, 3, 4]),
    });
    const w = await extract(matFile([{ name: 'layers', value: cell([1, 1], [layer]) }]), SMALL.slice(0, 1));
    expect(w.layers[0]!.weight[107]).to.equal(2);
    expect(Array.from(w.layers[0]!.bias)).to.deep.equal([1, 2, 3, 4]);
  });

  it('names a missing layer', async () => {
    const specs = [...SMALL, { name: 'conv3_1', cin: 2, cout: 2 }];
    expect(await rejects(extract(simplenn(SMALL, { value }), specs), /net\.mat: layer conv3_1 not found \(layers present: conv1_1, relu1_1, conv1_2/)).to.be.instanceOf(MatError);
  });

  it('names a layer with the wrong shape', async () => {
    const wide = num('single', [3, 3, 4, 6], new Float32Array(9 * 4 * 6));
    expect(await rejects(extract(simplenn(SMALL, { value, override: { conv1_2: wide } })), /net\.mat: layer conv1_2: W has shape \[3,3,4,6\], expected \[3,3,4,5\]/)).to.be.instanceOf(MatError);
    const ints = num('int8', [3, 3, 3, 4], new Int8Array(108));
    expect(await rejects(extract(simplenn(SMALL, { value, override: { conv1_1: ints } })), /layer conv1_1: W is int8 \[3,3,3,4\], expected single/)).to.be.instanceOf(MatError);
  });

  it('rejects a file without a layers cell', async () => {
    const path = writeIn(tempDir(), 'meta-only.mat', matFile([{ name: 'meta', value: struct({ x: char('y') }) }]));
    expect(await rejects(readVggMat(path), /meta-only\.mat: no variable "layers" \(the file holds: meta\)/)).to.be.instanceOf(MatError);
  });

  describe('the third-party synthetic VGG-16 file (scipy.io.savemat)', () => {
    itShared('loads with the real shapes and the values scipy reads', async () => {
      const path = sharedWeightsMat(); // fails, naming the expected path, when the file is missing
      const t0 = performance.now();
      const w = await readVggMat(path);
      const ms = performance.now() - t0;
      console.log(`      read + extract ${path}: ${ms.toFixed(0)} ms`);
      expect(w.layers.map((l) => [l.name, l.cin, l.cout]))
        .to.deep.equal(VGG_CONV_LAYERS.map((s) => [s.name, s.cin, s.cout]));
      expect(parameterCount(w)).to.equal(7_635_264);
      const [c11, , , , , c32, , , , c43] = w.layers;
      // reference values from scipy.io.loadmat: W[ky, kx, ci, co], b[0, co]
      expect(weightAt(c11!, 0, 0, 0, 0)).to.equal(0.20078080892562866);
      expect(weightAt(c11!, 5, 1, 1, 2)).to.equal(-0.3549847900867462);
      expect(c11!.bias[63]).to.equal(0.0001205482694786042);
      expect(weightAt(c32!, 200, 100, 1, 1)).to.equal(-0.00010434391879243776);
      expect(c32!.bias[255]).to.equal(0.0062763886526227);
      expect(weightAt(c43!, 300, 511, 2, 0)).to.equal(0.022109372541308403);
      expect(weightAt(c43!, 0, 17, 0, 1)).to.equal(0.03234932944178581);
      expect(c43!.bias[7]).to.equal(0.00850079208612442);
      const hash = createHash('sha256');
      const bytes = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      for (const l of w.layers) hash.update(bytes(l.weight)).update(bytes(l.bias));
      expect(hash.digest('hex')).to.equal(SHARED_HWIO_SHA256);
    });
  });
});
