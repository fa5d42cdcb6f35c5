import { expect } from 'chai';
import { annotateFrame, COLORS, heatColor, targetColor } from '../src/vis/annotate.ts';
import { createCanvas, getPixel } from '../src/vis/raster.ts';

const BLACK = [0, 0, 0] as const;
const grey = () => createCanvas(120, 90, [50, 50, 50]);

describe('vis annotate', () => {
  it('draws box edges on pixels x .. x+w-1, y .. y+h-1', () => {
    const f = annotateFrame(grey(), { box: [30, 40, 20, 10], thickness: 1 });
    for (const [x, y] of [[30, 40], [49, 40], [30, 49], [49, 49], [40, 40], [30, 45], [49, 45], [40, 49]] as const) {
      expect(getPixel(f, x, y), `${x},${y}`).to.deep.equal(COLORS.track);
    }
    for (const [x, y] of [[29, 40], [50, 40], [30, 39], [30, 50], [31, 41], [48, 48]] as const) {
      expect(getPixel(f, x, y), `${x},${y}`).to.deep.equal([50, 50, 50]);
    }
  });

  it('grows thick edges inwards and rounds fractional boxes', () => {
    const f = annotateFrame(grey(), { box: [10.4, 20.6, 9.8, 10], thickness: 2 });
    // Edges at x round(10.4) = 10 .. round(20.2) - 1 = 19 and y round(20.6) = 21 .. round(30.6) - 1 = 30.
    for (const [x, y] of [[10, 21], [11, 22], [19, 30], [18, 29], [10, 30]] as const) expect(getPixel(f, x, y), `${x},${y}`).to.deep.equal(COLORS.track);
    for (const [x, y] of [[12, 23], [20, 21], [10, 31], [9, 21]] as const) expect(getPixel(f, x, y), `${x},${y}`).to.not.deep.equal(COLORS.track);
  });

  it('draws ground truth green under the track, red when lost', () => {
    const f = annotateFrame(grey(), { box: [60, 30, 10, 10], gt: [62, 30, 10, 10], thickness: 1, score: 0.1, lostBelow: 0.2 });
    expect(getPixel(f, 71, 35)).to.deep.equal(COLORS.gt);
    expect(getPixel(f, 60, 35)).to.deep.equal(COLORS.lost);
    expect(getPixel(f, 65, 30)).to.deep.equal(COLORS.lost); // shared top edge: the track is drawn last
  });

  it('draws several targets, each in its own colour with its label above it', () => {
    const targets = [
      { box: [10, 30, 20, 20] as const, label: '1', color: targetColor(1) },
      { box: [60, 40, 30, 20] as const, label: '2', color: targetColor(2) },
      { box: [60, 0, 10, 10] as const, label: '3', color: targetColor(3) },
    ];
    expect(new Set([1, 2, 3, 4, 5, 6, 7, 8].map((k) => targetColor(k).join())).size).to.equal(8);
    expect(targetColor(9)).to.deep.equal(targetColor(1));
    const f = annotateFrame(grey(), { targets, thickness: 1 });
    expect(getPixel(f, 10, 40)).to.deep.equal(targetColor(1));
    expect(getPixel(f, 89, 50)).to.deep.equal(targetColor(2));
    // Labels: a patch of the target's colour just above boxes 1 and 2, inside box 3 (no room above).
    expect(getPixel(f, 10, 30 - 5)).to.deep.equal(targetColor(1));
    expect(getPixel(f, 60, 40 - 5)).to.deep.equal(targetColor(2));
    expect(getPixel(f, 61, 1)).to.deep.equal(targetColor(3));
  });

  it('never throws for boxes outside or across the frame border, NaN or huge', () => {
    const f = grey();
    for (const box of [[-50, -50, 20, 20], [110, 80, 50, 50], [-1e12, -1e12, 2e12, 2e12], [Number.NaN, 0, 5, 5], [0, 0, -5, 5], [5, 5, Infinity, 3]] as const) {
      expect(() => annotateFrame(f, { box, gt: box })).to.not.throw();
    }
    const g = annotateFrame(grey(), { box: [100, 70, 50, 50], thickness: 1 });
    expect(getPixel(g, 100, 80)).to.deep.equal(COLORS.track); // left edge inside, right edge clipped away
    expect(getPixel(g, 119, 80)).to.deep.equal([50, 50, 50]);
  });

  it('writes the frame number and score at the top-left on a black label', () => {
    const f = annotateFrame(grey(), { frameIndex: 7, score: 0.5, textScale: 1 });
    expect(getPixel(f, 4, 4)).to.deep.equal(BLACK);
    let white = 0;
    for (let y = 4; y < 30; y++) for (let x = 4; x < 70; x++) if (getPixel(f, x, y).join() === '255,255,255') white++;
    expect(white).to.be.greaterThan(40);
    expect(getPixel(f, 100, 60)).to.deep.equal([50, 50, 50]);
  });

  it('draws response maps as scaled heatmaps in the top-right corner', () => {
    const ramp = { width: 3, height: 2, data: [0, 1, 2, 3, 4, 5] };
    const flat = { width: 2, height: 2, data: new Float32Array([1, 1, 1, 1]) };
    const f = annotateFrame(grey(), { responseMaps: [ramp, flat, ramp], mapScale: 4 });
    // Panel: 2 px gap, ramp (12 px), gap, flat (8 px), gap, ramp (12 px), gap = 40 px wide from x = 80.
    expect(getPixel(f, 80, 0)).to.deep.equal(BLACK);
    expect(getPixel(f, 82, 2)).to.deep.equal(heatColor(0));
    expect(getPixel(f, 82 + 11, 2 + 7)).to.deep.equal(heatColor(1));
    expect(getPixel(f, 96, 4)).to.deep.equal(heatColor(0)); // constant map -> lowest colour
    expect(getPixel(f, 117, 9)).to.deep.equal(heatColor(1));
    expect(getPixel(f, 119, 9)).to.deep.equal(BLACK);
    expect(heatColor(1)).to.deep.equal([128, 0, 0]);
    expect(heatColor(0.5)).to.deep.equal([128, 255, 128]);
  });
});
