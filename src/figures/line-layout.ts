/**
 * Geometry of the line chart from the data, the width and the height alone (no DOM): legend, plot
 * box, both axes, every point in viewBox units and the end labels pushed apart. line.ts draws it.
 */
import { scaleLinear, scaleLog } from 'd3';
import { formatValue, type FormatSpec } from '../primitives/format';
import { FONT, placeAxisLabel, layoutLegend, logTicks, seriesColor, textWidth, type AxisLayout, type PlotLayout, type Tick } from './common';
import type { LineData, LineOpts } from './line';

type Series = LineData['series'][number];

export interface LineSeriesLayout {
  series: Series;
  colour: string;
  /** The points in viewBox units, in data order. */
  pixels: Array<[number, number]>;
  /** The end label: a short dash from `tickX1` to `tickX2`, then the text from `labelX`, all at `y`. */
  end?: { value: number; text: string; tickX1: number; tickX2: number; labelX: number; y: number };
}

export interface LineLayout extends PlotLayout {
  series: LineSeriesLayout[];
}

/** Gap between two end labels' centres. */
export const END_LABEL_GAP = FONT.value + 2;

/**
 * Tick values with their labels, keeping only ticks whose label is new: d3 may put ticks at 1.5
 * and 2 on a short axis, and an integer format would print "2" twice. An integer format also
 * keeps only integer positions, so a label never sits where its number is not.
 */
function distinctTicks(values: readonly number[], format: FormatSpec): Tick[] {
  const out: Tick[] = [];
  for (const v of values) {
    if (format.kind === 'int' && !Number.isInteger(v)) continue;
    const label = formatValue(format, v);
    if (out.some((t) => t.label === label)) continue;
    out.push({ value: v, label });
  }
  return out;
}

/** Pushes label positions apart so they are at least `gap` apart, keeping their order. */
export function spreadLabels(ys: number[], gap: number, min: number, max: number): number[] {
  const order = ys.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y || a.i - b.i);
  const out = new Array<number>(ys.length);
  let prev = -Infinity;
  for (const item of order) {
    const y = Math.max(item.y, prev + gap, min);
    out[item.i] = y;
    prev = y;
  }
  // If the stack ran past the bottom, shift it up.
  const overflow = prev - max;
  if (overflow > 0) for (let k = 0; k < out.length; k += 1) out[k] = Math.max(min, (out[k] ?? 0) - overflow);
  return out;
}

const lastPoint = (s: Series): [number, number] | undefined => s.points[s.points.length - 1];

/** The y axis over [bottom, plotTop]: decades on a log scale, else a nice linear scale with distinct labels. */
function yAxis(data: LineData, opts: LineOpts, range: [number, number]): AxisLayout {
  const ys = data.series.flatMap((s) => s.points.map((p) => p[1]));
  const [yLo, yHi] = opts.yDomain ?? [Math.min(...ys), Math.max(...ys)];
  const format = opts.yTickFormat ?? opts.yFormat;
  if (opts.logY) {
    const lo = 10 ** Math.floor(Math.log10(Math.max(yLo, Number.MIN_VALUE)));
    const hi = 10 ** Math.ceil(Math.log10(yHi));
    const s = scaleLog().domain([lo, hi]).range(range);
    return { scale: (v) => s(v), ticks: logTicks(lo, hi, format) };
  }
  const pad = yLo === yHi ? Math.max(Math.abs(yLo) * 0.1, 1) : 0;
  const s = scaleLinear().domain([yLo - pad, yHi + pad]).nice(5).range(range);
  return { scale: (v) => s(v), ticks: distinctTicks(s.ticks(5), format) };
}

/** The x axis over [left, right], about one tick per 80 units. */
function xAxis(data: LineData, opts: LineOpts, left: number, right: number): AxisLayout {
  const xs = data.series.flatMap((s) => s.points.map((p) => p[0]));
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const pad = xMin === xMax ? 1 : 0;
  const s = scaleLinear().domain([xMin - pad, xMax + pad]).nice(6).range([left, right]);
  return { scale: (v) => s(v), ticks: distinctTicks(s.ticks(Math.max(3, Math.floor((right - left) / 80))), opts.xFormat) };
}

function checkLogY(data: LineData, opts: LineOpts): void {
  if (!opts.logY) return;
  data.series.forEach((s, i) => {
    const k = s.points.findIndex((p) => p[1] <= 0);
    if (k >= 0) throw new Error(`line "${opts.id}": opts.logY needs data.series[${i}].points[${k}][1] > 0`);
  });
}

export function layoutLine(data: LineData, opts: LineOpts): LineLayout {
  checkLogY(data, opts);
  const W = opts.width;
  const H = opts.height;
  // Vertical layout first: it depends only on the legend, which depends on the width.
  const legend =
    data.series.length >= 2
      ? layoutLegend(
          data.series.map((s, i) => ({ key: s.key, label: s.label, color: seriesColor(i), dashed: s.dashed })),
          { x: 4, y: 16, maxWidth: W - 8, swatch: 'line' },
        )
      : undefined;
  let top = 8;
  if (legend) top += legend.height + 6;
  if (opts.yLabel) top += FONT.label + 8;
  const bottom = H - (FONT.tick + 10) - (opts.xLabel ? FONT.label + 10 : 0);
  const plotTop = top + 6;
  const y = yAxis(data, opts, [bottom, plotTop]);

  // Then the horizontal: room for the widest y tick on the left and the widest end label on the right.
  const left = Math.ceil(Math.max(...y.ticks.map((t) => textWidth(t.label, FONT.tick)))) + 12;
  const endTexts = data.series.map((s) => formatValue(opts.yFormat, lastPoint(s)?.[1] ?? 0));
  const right = W - Math.ceil(Math.max(...endTexts.map((t) => textWidth(t, FONT.value)))) - 22;
  const x = xAxis(data, opts, left, right);

  const endYs = spreadLabels(
    data.series.map((s) => y.scale(lastPoint(s)?.[1] ?? 0)),
    END_LABEL_GAP,
    plotTop,
    bottom,
  );
  const series = data.series.map((s, i): LineSeriesLayout => {
    const last = lastPoint(s);
    const lastX = last ? x.scale(last[0]) : 0;
    return {
      series: s,
      colour: seriesColor(i),
      pixels: s.points.map((p) => [x.scale(p[0]), y.scale(p[1])]),
      end: last && { value: last[1], text: endTexts[i] ?? '', tickX1: lastX + 4, tickX2: lastX + 12, labelX: lastX + 15, y: endYs[i] ?? 0 },
    };
  });
  return { width: W, height: H, legend, left, right, plotTop, bottom, yLabelY: top - 6, xLabel: placeAxisLabel(opts.xLabel, (left + right) / 2, W), x, y, series };
}
