import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { evaluate } from '../src/eval/report.ts';
import { sharedPath } from '../src/eval/shared-data.ts';
import { plotPixel, precisionPlot, successPlot, TRACKER_COLORS, writeReportPlots } from '../src/vis/plots.ts';
import { toPng, type RGB } from '../src/vis/raster.ts';
import { itShared } from './helpers/shared.ts';

/** The PNG decoded with pngjs (not our own reader) so the file itself is checked. */
function decode(buf: Buffer): { width: number; height: number; at: (x: number, y: number) => RGB } {
  const png = PNG.sync.read(buf);
  return { width: png.width, height: png.height, at: (x, y) => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)] as unknown as RGB };
}

/** Some pixel within `r` of (x, y) has this colour (curves are 2 px wide, endpoints rounded). */
function colourNear(img: ReturnType<typeof decode>, x: number, y: number, colour: RGB, r = 1): boolean {
  for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) if (img.at(x + dx, y + dy).join() === colour.join()) return true;
  return false;
}

describe('vis plots', () => {
  const flat = (v: number, n: number) => Array(n).fill(v) as number[];
  const a = { name: 'Good', successCurve: flat(0.8, 21), auc: 0.8, precisionCurve: flat(0.9, 51), precision: 0.9 };
  const b = { name: 'Bad', successCurve: flat(0.3, 21), auc: 0.3, precisionCurve: flat(0.2, 51), precision: 0.2 };

  it('draws an OTB success plot, 640x480, curves where the values are, best colour first', () => {
    const img = decode(toPng(successPlot([b, a])));
    expect([img.width, img.height]).to.deep.equal([640, 480]);
    const [good, bad] = TRACKER_COLORS;
    for (const x of [0.1, 0.5, 0.9]) {
      expect(colourNear(img, ...plotPixel(640, 480, 1, x, 0.8), good!), `Good at ${x}`).to.equal(true);
      expect(colourNear(img, ...plotPixel(640, 480, 1, x, 0.3), bad!), `Bad at ${x}`).to.equal(true);
    }
    expect(img.at(...plotPixel(640, 480, 1, 0.52, 0.55))).to.deep.equal([255, 255, 255]); // empty plot area
    expect(img.at(2, 2)).to.deep.equal([255, 255, 255]);
    const [x0, y0] = plotPixel(640, 480, 1, 0, 0);
    expect(img.at(x0, y0)).to.deep.equal([0, 0, 0]); // axes corner
  });

  it('draws a precision plot over 0..50 px', () => {
    const img = decode(toPng(precisionPlot([a, b], { width: 400, height: 300, title: 'P' })));
    expect([img.width, img.height]).to.deep.equal([400, 300]);
    expect(colourNear(img, ...plotPixel(400, 300, 50, 25, 0.9), TRACKER_COLORS[0]!)).to.equal(true);
    expect(colourNear(img, ...plotPixel(400, 300, 50, 40, 0.2), TRACKER_COLORS[1]!)).to.equal(true);
  });

  itShared('writes success and precision PNGs for the published trackers', () => {
    const report = evaluate({
      datasetRoot: sharedPath('data/otb'),
      trackers: ['MEEM', 'MUSTer', 'STRUCK'].map((name) => ({ name, publishedDir: sharedPath('data/results/otb-ope', name) })),
    });
    const paths = writeReportPlots(report, mkdtempSync(join(tmpdir(), 'tadt-plot-')));
    const img = decode(readFileSync(paths.success));
    expect([img.width, img.height]).to.deep.equal([640, 480]);
    const meem = report.trackers[0]!.overall.successCurve;
    expect(colourNear(img, ...plotPixel(640, 480, 1, 0.5, meem[10]!), TRACKER_COLORS[0]!)).to.equal(true);
    const prec = decode(readFileSync(paths.precision));
    const p20 = report.trackers[0]!.overall.precision;
    expect(colourNear(prec, ...plotPixel(640, 480, 50, 20, p20), TRACKER_COLORS[0]!)).to.equal(true);
  });
});
