import { expect } from 'chai';
import { glyphColumns } from '../src/vis/font.ts';
import {
  createCanvas, downscale, drawLine, drawRect, drawText, fillRect, fromPng, getPixel, textWidth, toPng, type Canvas, type RGB,
} from '../src/vis/raster.ts';

const RED: RGB = [255, 0, 0];
const WHITE: RGB = [255, 255, 255];

/** "x,y" of every pixel that is not white. */
function inked(c: Canvas): Set<string> {
  const s = new Set<string>();
  for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) if (getPixel(c, x, y).join() !== WHITE.join()) s.add(`${x},${y}`);
  return s;
}

describe('vis raster', () => {
  it('draws horizontal, vertical and diagonal 1-px lines on the exact pixels', () => {
    const c = createCanvas(10, 10);
    drawLine(c, 1, 2, 5, 2, RED);
    expect([...inked(c)].sort()).to.deep.equal(['1,2', '2,2', '3,2', '4,2', '5,2']);
    const d = createCanvas(10, 10);
    drawLine(d, 7, 7, 3, 3, RED);
    expect([...inked(d)].sort()).to.deep.equal(['3,3', '4,4', '5,5', '6,6', '7,7']);
    const v = createCanvas(10, 10);
    drawLine(v, 0, 0, 0, 9, RED);
    expect(inked(v).size).to.equal(10);
  });

  it('draws shallow lines with one pixel per column, and thick lines as a band', () => {
    const c = createCanvas(20, 10);
    drawLine(c, 0, 0, 19, 5, RED);
    const cols = [...inked(c)].map((p) => p.split(',')[0]);
    expect(new Set(cols).size).to.equal(20);
    expect(cols).to.have.length(20);
    const t = createCanvas(20, 10);
    drawLine(t, 2, 5, 17, 5, RED, 3);
    for (const y of [4, 5, 6]) expect(getPixel(t, 10, y)).to.deep.equal(RED);
    expect(getPixel(t, 10, 3)).to.deep.equal(WHITE);
  });

  it('clips lines with far-away, infinite or NaN endpoints without hanging or throwing', () => {
    const c = createCanvas(8, 8);
    drawLine(c, -1e12, 3, 1e12, 3, RED);
    expect(inked(c).size).to.equal(8);
    drawLine(c, Number.NaN, 0, 3, 3, RED);
    drawLine(c, 0, Number.POSITIVE_INFINITY, 3, 3, RED);
    drawLine(c, 100, 100, 200, 200, RED);
    expect(inked(c).size).to.equal(8);
  });

  it('fills and outlines rectangles on exactly the covered pixels, clipped', () => {
    const c = createCanvas(10, 10);
    fillRect(c, 8, 8, 5, 5, RED);
    expect([...inked(c)].sort()).to.deep.equal(['8,8', '8,9', '9,8', '9,9']);
    const r = createCanvas(10, 10);
    drawRect(r, 2, 3, 4, 3, RED);
    expect([...inked(r)].sort()).to.deep.equal(['2,3', '2,4', '2,5', '3,3', '3,5', '4,3', '4,5', '5,3', '5,4', '5,5']);
    const big = createCanvas(10, 10);
    drawRect(big, -1e9, -1e9, 3e9, 3e9, RED, 2); // every edge is off the canvas
    expect(inked(big).size).to.equal(0);
    drawRect(big, -3, -3, 8, 20, RED, 2); // right edge at x 3..4, bottom edge beyond y 9
    expect([...inked(big)].sort()).to.deep.equal(Array.from({ length: 10 }, (_, y) => [`3,${y}`, `4,${y}`]).flat().sort());
  });

  it('draws text from the 5x7 font and measures it', () => {
    expect(glyphColumns('A')).to.deep.equal([0x7e, 0x11, 0x11, 0x11, 0x7e]);
    expect(glyphColumns('\u00e9')).to.deep.equal(glyphColumns('?'));
    const c = createCanvas(30, 20);
    drawText(c, 'I', 2, 3, RED);
    // 'I' = 00 41 7f 41 00: the middle column is a full 7-px stem, the serifs at rows 0 and 6.
    for (let y = 3; y < 10; y++) expect(getPixel(c, 4, y)).to.deep.equal(RED);
    expect([...inked(c)].sort()).to.include.members(['3,3', '5,3', '3,9', '5,9']);
    expect(inked(c).size).to.equal(11);
    expect(textWidth('abc', 2)).to.equal((3 * 6 - 1) * 2);
    const big = createCanvas(30, 30);
    drawText(big, 'I', 0, 0, RED, 3);
    expect(inked(big).size).to.equal(11 * 9);
    const up = createCanvas(20, 20);
    drawText(up, 'I', 0, 0, RED, 1, true);
    expect(getPixel(up, 0, 2)).to.deep.equal(RED); // the stem now runs along x at row textWidth - 1 - 2
    for (let x = 0; x < 7; x++) expect(getPixel(up, x, 2)).to.deep.equal(RED);
  });

  it('round-trips through PNG and downscales by box averaging', () => {
    const c = createCanvas(7, 5, [10, 20, 30]);
    c.data[3 * (2 * 7 + 3)] = 200;
    const back = fromPng(toPng(c));
    expect([back.width, back.height]).to.deep.equal([7, 5]);
    expect(Buffer.from(back.data).equals(Buffer.from(c.data))).to.equal(true);
    const g = createCanvas(4, 2, [0, 0, 0]);
    fillRect(g, 0, 0, 1, 2, [100, 0, 0]);
    const h = downscale(g, 2);
    expect([h.width, h.height]).to.deep.equal([2, 1]);
    expect(getPixel(h, 0, 0)).to.deep.equal([50, 0, 0]);
    expect(() => downscale(g, 1.5)).to.throw('integer');
  });
});
