/**
 * Multi-series line chart with axes, a legend and an end label per series (the last value);
 * optional log y. Used for loss curves. Points are [x, y] pairs so long curves stay compact JSON.
 */
import { line as d3line, scaleLinear, scaleLog } from 'd3';
import { z } from 'zod';
import { formatInt, formatAuto, formatSpecSchema, formatValue, type FormatSpec } from '../primitives/format';
import {
  FONT,
  baseOptsShape,
  createRoot,
  drawLegend,
  drawXAxis,
  drawYAxis,
  finite,
  logTicks,
  r,
  seriesColor,
  textWidth,
  type G,
  type Tick,
} from './common';
import type { FigureRenderer } from './types';

const seriesSchema = z
  .object({
    key: z.string().min(1),
    label: z.string().min(1),
    points: z.array(z.tuple([finite(), finite()])).min(1, 'needs at least one point'),
    dashed: z.boolean().default(false),
  })
  .strict();


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

export const lineDataSchema = z
  .object({ series: z.array(seriesSchema).min(1, 'needs at least one series').max(8) })
  .strict()
  .superRefine((d, ctx) => {
    d.series.forEach((s, i) => {
      if (d.series.findIndex((t) => t.key === s.key) !== i) {
        ctx.addIssue({ code: 'custom', path: ['series', i, 'key'], message: `duplicate key "${s.key}"` });
      }
    });
  });
export type LineData = z.infer<typeof lineDataSchema>;

export const lineOptsSchema = z
  .object({
    ...baseOptsShape,
    title: z.string().default('Line chart'),
    height: z.number().int().min(160).max(1200).default(320),
    logY: z.boolean().default(false),
    xLabel: z.string().optional(),
    yLabel: z.string().optional(),
    xFormat: formatSpecSchema.default({ kind: 'int' }),
    yFormat: formatSpecSchema.default({ kind: 'fixed', digits: 2 }),
    /** Axis tick format for y; defaults to yFormat. */
    yTickFormat: formatSpecSchema.optional(),
    /** Fixed y domain [min, max]; default: the data's extent, made nice. */
    yDomain: z.tuple([finite(), finite()]).optional(),
    /** Draw a dot (with data-value) at every point; off for long curves. */
    showPoints: z.boolean().default(false),
  })
  .strict();
export type LineOpts = z.infer<typeof lineOptsSchema>;

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

export const line: FigureRenderer<LineData, LineOpts> = {
  id: 'line',
  dataSchema: lineDataSchema,
  optsSchema: lineOptsSchema,

  render(data, opts, env) {
    const W = opts.width;
    const H = opts.height;
    const all = data.series.flatMap((s) => s.points);
    if (opts.logY) {
      data.series.forEach((s, i) => {
        const k = s.points.findIndex((p) => p[1] <= 0);
        if (k >= 0) throw new Error(`line "${opts.id}": opts.logY needs data.series[${i}].points[${k}][1] > 0`);
      });
    }
    const xs = all.map((p) => p[0]);
    const ys = all.map((p) => p[1]);
    const xMin = Math.min(...xs);
    const xMax = Math.max(...xs);
    const yTickFormat = opts.yTickFormat ?? opts.yFormat;

    let yScale: (v: number) => number;
    let yTicks: Tick[];
    const [yLo, yHi] = opts.yDomain ?? [Math.min(...ys), Math.max(...ys)];
    // Vertical layout first (depends only on the legend, which depends on the width).
    const svg = createRoot(env, { id: opts.id, width: W, height: H, title: opts.title, description: line.describe(data), kind: 'line' });
    const root = svg.append('g') as unknown as G;
    let top = 8;
    if (data.series.length >= 2) {
      top += drawLegend(
        root,
        data.series.map((s, i) => ({ key: s.key, label: s.label, color: seriesColor(i), dashed: s.dashed })),
        { x: 4, y: top + 8, maxWidth: W - 8, swatch: 'line' },
      );
      top += 6;
    }
    if (opts.yLabel) top += FONT.label + 8;
    const bottom = H - (FONT.tick + 10) - (opts.xLabel ? FONT.label + 10 : 0);
    const plotTop = top + 6;

    if (opts.logY) {
      const lo = 10 ** Math.floor(Math.log10(Math.max(yLo, Number.MIN_VALUE)));
      const hi = 10 ** Math.ceil(Math.log10(yHi));
      const s = scaleLog().domain([lo, hi]).range([bottom, plotTop]);
      yScale = (v) => s(v);
      yTicks = logTicks(lo, hi, yTickFormat);
    } else {
      const pad = yLo === yHi ? Math.max(Math.abs(yLo) * 0.1, 1) : 0;
      const s = scaleLinear().domain([yLo - pad, yHi + pad]).nice(5).range([bottom, plotTop]);
      yScale = (v) => s(v);
      yTicks = distinctTicks(s.ticks(5), yTickFormat);
    }

    const left = Math.ceil(Math.max(...yTicks.map((t) => textWidth(t.label, FONT.tick)))) + 12;
    const endTexts = data.series.map((s) => formatValue(opts.yFormat, s.points[s.points.length - 1]?.[1] ?? 0));
    const right = W - Math.ceil(Math.max(...endTexts.map((t) => textWidth(t, FONT.value)))) - 22;
    const xPad = xMin === xMax ? 1 : 0;
    const xs1 = scaleLinear().domain([xMin - xPad, xMax + xPad]).nice(6).range([left, right]);
    const xScale = (v: number): number => xs1(v);
    const xTicks = distinctTicks(xs1.ticks(Math.max(3, Math.floor((right - left) / 80))), opts.xFormat);

    drawYAxis(root, yTicks, yScale, { x0: left, gridRight: right, label: opts.yLabel, labelY: top - 6 });
    drawXAxis(root, xTicks, xScale, { y: bottom, gridTop: plotTop, label: opts.xLabel, labelX: (left + right) / 2 });

    const marks = root.append('g').attr('class', 'fig-marks');
    const path = d3line<[number, number]>()
      .x((p) => xScale(p[0]))
      .y((p) => yScale(p[1]))
      .digits(2);
    const endYs = spreadLabels(
      data.series.map((s) => yScale(s.points[s.points.length - 1]?.[1] ?? 0)),
      FONT.value + 2,
      plotTop,
      bottom,
    );
    data.series.forEach((s, i) => {
      const color = seriesColor(i);
      const g = marks.append('g').attr('class', 'fig-series').attr('data-key', s.key);
      const p = g
        .append('path')
        .attr('class', 'fig-line')
        .attr('d', path(s.points) ?? '')
        .attr('fill', 'none')
        .attr('stroke', color)
        .attr('stroke-width', 2)
        .attr('stroke-linejoin', 'round')
        .attr('data-key', s.key);
      if (s.dashed) p.attr('stroke-dasharray', '6 4');
      if (opts.showPoints) {
        s.points.forEach((pt, k) => {
          g.append('circle')
            .attr('class', 'fig-point')
            .attr('cx', r(xScale(pt[0])))
            .attr('cy', r(yScale(pt[1])))
            .attr('r', 3)
            .attr('fill', color)
            .attr('data-key', `${s.key}[${k}]`)
            .attr('data-x', pt[0])
            .attr('data-value', pt[1]);
        });
      }
      const last = s.points[s.points.length - 1];
      if (last) {
        // A short dash in the series colour ties the label to its line when labels are spread apart.
        g.append('line')
          .attr('class', 'fig-end-tick')
          .attr('x1', r(xScale(last[0]) + 4))
          .attr('x2', r(xScale(last[0]) + 12))
          .attr('y1', r(endYs[i] ?? 0))
          .attr('y2', r(endYs[i] ?? 0))
          .attr('stroke', color)
          .attr('stroke-width', 2.5);
        g.append('text')
          .attr('class', 'fig-end-label')
          .attr('x', r(xScale(last[0]) + 15))
          .attr('y', r(endYs[i] ?? 0))
          .attr('dy', '0.32em')
          .attr('font-size', FONT.value)
          .attr('fill', 'var(--fg)')
          .attr('data-key', `${s.key}.last`)
          .attr('data-value', last[1])
          .text(endTexts[i] ?? '');
      }
    });
    return svg.node() as SVGSVGElement;
  },

  toRows(data) {
    return data.series.flatMap((s) => s.points.map((p) => ({ series: s.key, label: s.label, x: p[0], y: p[1] })));
  },

  describe(data) {
    const parts = data.series.map((s) => {
      const first = s.points[0];
      const last = s.points[s.points.length - 1];
      if (!first || !last) return s.label;
      return `${s.label} goes from ${formatAuto(first[1])} at ${formatAuto(first[0])} to ${formatAuto(last[1])} at ${formatAuto(last[0])}`;
    });
    return `Line chart of ${formatInt(data.series.length)} series: ${parts.join('; ')}.`;
  },

  narrowOpts(opts) {
    return { ...opts, width: 360, height: Math.max(260, Math.round(opts.height * 0.9)) };
  },
};
