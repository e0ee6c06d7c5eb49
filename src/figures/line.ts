/**
 * Multi-series line chart with axes, a legend and an end label per series (the last value);
 * optional log y. Used for loss curves. Points are [x, y] pairs so long curves stay compact JSON.
 */
import { line as d3line } from 'd3';
import { z } from 'zod';
import { formatInt, formatAuto, formatSpecSchema } from '../primitives/format';
import { FONT, baseOptsShape, createRoot, drawPlotFrame, finite, r, type G } from './common';
import { layoutLine, type LineLayout, type LineSeriesLayout } from './line-layout';
import type { FigureRenderer } from './types';

const seriesSchema = z
  .object({
    key: z.string().min(1),
    label: z.string().min(1),
    points: z.array(z.tuple([finite(), finite()])).min(1, 'needs at least one point'),
    dashed: z.boolean().default(false),
  })
  .strict();

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

/** One series: its path, optional points, and the end label tied to the line by a short dash. */
function drawSeries(marks: G, layout: LineSeriesLayout, showPoints: boolean): void {
  const { series: s, colour } = layout;
  const g = marks.append('g').attr('class', 'fig-series').attr('data-key', s.key);
  const path = d3line<[number, number]>().digits(2);
  const p = g
    .append('path')
    .attr('class', 'fig-line')
    .attr('d', path(layout.pixels) ?? '')
    .attr('fill', 'none')
    .attr('stroke', colour)
    .attr('stroke-width', 2)
    .attr('stroke-linejoin', 'round')
    .attr('data-key', s.key);
  if (s.dashed) p.attr('stroke-dasharray', '6 4');
  if (showPoints) drawPoints(g, layout);
  if (layout.end) drawEndLabel(g, layout, layout.end);
}

/** A dot with data-value at every point. */
function drawPoints(g: G, layout: LineSeriesLayout): void {
  const { series: s, colour } = layout;
  s.points.forEach((pt, k) => {
    const [cx, cy] = layout.pixels[k] ?? [0, 0];
    g.append('circle')
      .attr('class', 'fig-point')
      .attr('cx', r(cx))
      .attr('cy', r(cy))
      .attr('r', 3)
      .attr('fill', colour)
      .attr('data-key', `${s.key}[${k}]`)
      .attr('data-x', pt[0])
      .attr('data-value', pt[1]);
  });
}

/** The last value, tied to its line by a short dash in the series colour (labels may be spread apart). */
function drawEndLabel(g: G, layout: LineSeriesLayout, end: NonNullable<LineSeriesLayout['end']>): void {
  g.append('line')
    .attr('class', 'fig-end-tick')
    .attr('x1', r(end.tickX1))
    .attr('x2', r(end.tickX2))
    .attr('y1', r(end.y))
    .attr('y2', r(end.y))
    .attr('stroke', layout.colour)
    .attr('stroke-width', 2.5);
  g.append('text')
    .attr('class', 'fig-end-label')
    .attr('x', r(end.labelX))
    .attr('y', r(end.y))
    .attr('dy', '0.32em')
    .attr('font-size', FONT.value)
    .attr('fill', 'var(--fg)')
    .attr('data-key', `${layout.series.key}.last`)
    .attr('data-value', end.value)
    .text(end.text);
}

/** Draws a laid-out line chart into `root`: legend, axes, then the series. */
function drawLine(root: G, layout: LineLayout, opts: LineOpts): void {
  drawPlotFrame(root, layout, opts);
  const marks = root.append('g').attr('class', 'fig-marks');
  for (const series of layout.series) drawSeries(marks, series, opts.showPoints);
}

export const line: FigureRenderer<LineData, LineOpts> = {
  id: 'line',
  dataSchema: lineDataSchema,
  optsSchema: lineOptsSchema,

  render(data, opts, env) {
    const layout = layoutLine(data, opts);
    const svg = createRoot(env, { id: opts.id, width: layout.width, height: layout.height, title: opts.title, description: line.describe(data), kind: 'line' });
    drawLine(svg.append('g') as unknown as G, layout, opts);
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
