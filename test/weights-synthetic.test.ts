import { expect } from 'chai';
import { mulberry32, normalGenerator } from '../src/util/random.ts';
import { SYNTHETIC_SEED, syntheticVggWeights } from '../src/weights/synthetic.ts';
import { VGG_CONV_LAYERS, weightAt, type VggLayerSpec, type VggWeights } from '../src/weights/vgg.ts';

// Reference values below were computed by an independent Python implementation of the
// documented generator (integer mulberry32, math.log/math.cos Box-Muller, numpy mean/std).

describe('weights: random generators and synthetic weights', () => {
  it('mulberry32 gives the reference sequence', () => {
    const r = mulberry32(1);
    expect([r(), r(), r()]).to.deep.equal([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
    const a = mulberry32(4321), b = mulberry32(4321);
    for (let i = 0; i < 1000; i++) {
      const v = a();
      expect(v).to.equal(b()).and.be.within(0, 1);
      expect(v).to.not.equal(1);
    }
  });

  it('Box-Muller uses two uniforms per normal, cosine branch', () => {
    const us = [0.25, 0.125, 0, 0.5];
    const normal = normalGenerator(() => us.shift()!);
    expect(normal()).to.equal(Math.sqrt(-2 * Math.log(0.75)) * Math.cos(2 * Math.PI * 0.125));
    expect(normal()).to.equal(0); // u1 = 0 gives radius 0, not -log(0)
    const n = normalGenerator(mulberry32(1234));
    let sum = 0, sq = 0;
    const count = 100_000;
    for (let i = 0; i < count; i++) {
      const z = n();
      sum += z;
      sq += z * z;
    }
    expect(sum / count).to.be.closeTo(0, 0.02);
    expect(sq / count).to.be.closeTo(1, 0.02);
  });

  describe('syntheticVggWeights', () => {
    let w: VggWeights;
    before(() => {
      w = syntheticVggWeights();
    });

    it('has the VGG shapes, zero biases, and is marked synthetic', () => {
      expect(w.synthetic).to.equal(true);
      expect(w.source).to.deep.equal({ kind: 'synthetic', seed: SYNTHETIC_SEED });
      expect(w.layers.map((l) => [l.name, l.cin, l.cout])).to.deep.equal(VGG_CONV_LAYERS.map((s) => [s.name, s.cin, s.cout]));
      for (const l of w.layers) {
        expect(l.weight.length).to.equal(9 * l.cin * l.cout);
        expect(l.bias.every((b) => b === 0)).to.equal(true);
      }
    });

    it('matches the reference generator', () => {
      const [c11, c12] = w.layers;
      // conv1_1: filter co draws 27 values in (ky, kx, ci) order; k = (ky*3 + kx)*cin + ci
      expect(weightAt(c11!, 0, 0, 0, 0)).to.equal(0.06295794248580933);
      expect(weightAt(c11!, 0, 1, 0, 0)).to.equal(-0.47639238834381104);
      expect(weightAt(c11!, 63, 2, 2, 2)).to.equal(-0.6347331404685974);
      expect(weightAt(c12!, 0, 0, 0, 0)).to.equal(-0.024694595485925674);
      expect(weightAt(c12!, 63, 63, 2, 2)).to.equal(0.049748413264751434);
      expect(c12!.weight[100 * 64 + 7]).to.equal(-0.24260079860687256);
    });

    it('makes every filter zero-mean with std sqrt(2/(9 cin)) * 1.3', () => {
      for (const l of [w.layers[0]!, w.layers[7]!]) {
        const want = Math.sqrt(2 / (9 * l.cin)) * 1.3;
        for (const co of [0, 1, l.cout - 1]) {
          let sum = 0, sq = 0;
          const n = 9 * l.cin;
          for (let k = 0; k < n; k++) sum += l.weight[k * l.cout + co]!;
          for (let k = 0; k < n; k++) sq += (l.weight[k * l.cout + co]! - sum / n) ** 2;
          expect(sum / n).to.be.closeTo(0, 1e-7);
          expect(Math.sqrt(sq / n) / want).to.be.closeTo(1, 1e-6);
        }
      }
    });

    it('is deterministic and seeded', () => {
      const specs: VggLayerSpec[] = [{ name: 'conv1_1', cin: 3, cout: 8 }];
      const a = syntheticVggWeights({ specs }).layers[0]!.weight;
      expect(Array.from(a)).to.deep.equal(Array.from(syntheticVggWeights({ specs }).layers[0]!.weight));
      expect(a[0]).to.equal(w.layers[0]!.weight[0]); // conv1_1's first filter does not depend on cout
      expect(syntheticVggWeights({ specs, seed: 5 }).layers[0]!.weight[0]).to.not.equal(a[0]);
    });
  });
});
