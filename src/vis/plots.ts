import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRECISION_THRESHOLDS, SUCCESS_THRESHOLDS, type Curves } from '../eval/metrics.ts';
import type { EvaluationReport } from '../eval/report.ts';
import { createCanvas, drawLine, drawRect, drawText, fillRect, textHeight, textWidth, toPng, type Canvas, type RGB } from './raster.ts';

export interface PlotOptions {
  width?: number;
  height?: number;
  title?: string;
}

export type SuccessSeries = { name: string } & Pick<Curves, 'successCurve' | 'auc'>;
export type PrecisionSeries = { name: string } & Pick<Curves, 'precisionCurve' | 'precision'>;

/** Distinct on white; the best tracker gets red, as in the OTB plots. */
export const TRACKER_COLORS: readonly RGB[] = [
  [220, 20, 20], [20, 60, 220], [0, 150, 0], [230, 130, 0], [150, 0, 200],
  [0, 170, 190], [0, 0, 0], [200, 0, 120], [120, 90, 40], [110, 110, 110],
];

interface Series {
  label: string;
  xs: readonly number[];
  ys: readonly number[];
  score: number;
}

interface Axes {
  title: string;
  xLabel: string;
  yLabel: string;
  xMax: number;
  xTicks: number;
  /** Legend where the curves are not: bottom-left under a falling success curve, bottom-right under a rising precision curve. */
  legendRight: boolean;
}

const GRID: RGB = [225, 225, 225];
const INK: RGB = [0, 0, 0];
/** Plot-area margins in px (left room for tick labels and the rotated y label). */
export const MARGIN = { left: 62, right: 16, top: 36, bottom: 48 };

/** OTB success plot: success rate against overlap threshold; legend `Name [AUC]`, best first. */
export function successPlot(trackers: readonly SuccessSeries[], opts: PlotOptions = {}): Canvas {
  const series = trackers.map((t) => ({ label: t.name, xs: SUCCESS_THRESHOLDS, ys: t.successCurve, score: t.auc }));
  return linePlot(series, { title: opts.title ?? 'Success plots of OPE', xLabel: 'Overlap threshold', yLabel: 'Success rate', xMax: 1, xTicks: 10, legendRight: false }, opts);
}

/** OTB precision plot: precision against location error threshold (px); legend `Name [prec@20]`, best first. */
export function precisionPlot(trackers: readonly PrecisionSeries[], opts: PlotOptions = {}): Canvas {
  const series = trackers.map((t) => ({ label: t.name, xs: PRECISION_THRESHOLDS, ys: t.precisionCurve, score: t.precision }));
  return linePlot(series, { title: opts.title ?? 'Precision plots of OPE', xLabel: 'Location error threshold', yLabel: 'Precision', xMax: 50, xTicks: 10, legendRight: true }, opts);
}

/** Writes success_plots.png and precision_plots.png (got10k names) for a report's overall curves. */
export function writeReportPlots(report: EvaluationReport, outDir: string, opts: PlotOptions = {}): { success: string; precision: string } {
  mkdirSync(outDir, { recursive: true });
  const overall = report.trackers.map((t) => ({ name: t.name, ...t.overall }));
  const paths = { success: join(outDir, 'success_plots.png'), precision: join(outDir, 'precision_plots.png') };
  writeFileSync(paths.success, toPng(successPlot(overall, opts)));
  writeFileSync(paths.precision, toPng(precisionPlot(overall, opts)));
  return paths;
}

/** Plot-area pixel of data point (x, y); y runs 0..1. Exported so tests can look where a curve must be. */
export function plotPixel(width: number, height: number, xMax: number, x: number, y: number): [number, number] {
  const w = width - MARGIN.left - MARGIN.right;
  const h = height - MARGIN.top - MARGIN.bottom;
  return [Math.round(MARGIN.left + (x / xMax) * (w - 1)), Math.round(MARGIN.top + (1 - y) * (h - 1))];
}

function linePlot(input: readonly Series[], axes: Axes, opts: PlotOptions): Canvas {
  const { width = 640, height = 480 } = opts;
  const c = createCanvas(width, height);
  const at = (x: number, y: number) => plotPixel(width, height, axes.xMax, x, y);
  const [left, top] = at(0, 1);
  const [right, bottom] = at(axes.xMax, 0);

  for (let i = 0; i <= axes.xTicks; i++) {
    const v = (axes.xMax * i) / axes.xTicks;
    const [x] = at(v, 0);
    drawLine(c, x, top, x, bottom, GRID);
    drawLine(c, x, bottom, x, bottom + 4, INK);
    const label = tickLabel(v);
    drawText(c, label, x - Math.floor(textWidth(label) / 2), bottom + 7, INK);
  }
  for (let i = 0; i <= 10; i++) {
    const [, y] = at(0, i / 10);
    drawLine(c, left, y, right, y, GRID);
    drawLine(c, left - 4, y, left, y, INK);
    const label = tickLabel(i / 10);
    drawText(c, label, left - 7 - textWidth(label), y - 3, INK);
  }
  drawRect(c, left, top, right - left + 1, bottom - top + 1, INK);
  drawText(c, axes.title, Math.floor((width - textWidth(axes.title, 2)) / 2), Math.floor((MARGIN.top - textHeight(2)) / 2), INK, 2);
  drawText(c, axes.xLabel, Math.floor((left + right - textWidth(axes.xLabel)) / 2), bottom + 24, INK);
  drawText(c, axes.yLabel, 10, Math.floor((top + bottom - textWidth(axes.yLabel)) / 2), INK, 1, true);

  const sorted = [...input].sort((a, b) => b.score - a.score);
  // Draw the best curve last so it stays on top where curves cross.
  for (let k = sorted.length - 1; k >= 0; k--) {
    const s = sorted[k]!;
    for (let i = 1; i < s.xs.length; i++) {
      const [x0, y0] = at(s.xs[i - 1]!, s.ys[i - 1]!);
      const [x1, y1] = at(s.xs[i]!, s.ys[i]!);
      drawLine(c, x0, y0, x1, y1, colorOf(k), 2);
    }
  }
  drawLegend(c, sorted.map((s, k) => ({ text: `${s.label} [${s.score.toFixed(3)}]`, color: colorOf(k) })), axes.legendRight ? right : left, bottom, axes.legendRight);
  return c;
}

const colorOf = (k: number): RGB => TRACKER_COLORS[k % TRACKER_COLORS.length]!;

const tickLabel = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));

function drawLegend(c: Canvas, items: readonly { text: string; color: RGB }[], anchorX: number, bottom: number, alignRight: boolean): void {
  if (items.length === 0) return;
  const rowH = 12;
  const w = 8 + 20 + 6 + Math.max(...items.map((it) => textWidth(it.text))) + 8;
  const h = items.length * rowH + 8;
  const x = alignRight ? anchorX - 8 - w : anchorX + 8;
  const y = bottom - 8 - h;
  fillRect(c, x, y, w, h, [255, 255, 255]);
  drawRect(c, x, y, w, h, INK);
  items.forEach((it, i) => {
    const cy = y + 4 + i * rowH + 5;
    drawLine(c, x + 8, cy, x + 28, cy, it.color, 2);
    drawText(c, it.text, x + 34, cy - 3, INK);
  });
}
