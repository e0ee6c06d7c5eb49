/**
 * Scatter plot with labelled points, optional log x / log y and category colours. Used for
 * parameters vs visual tokens per model. Each point's label sits to its right unless the data asks
 * for another side (no automatic collision solving: the author places crowded labels).
 */
import { z } from 'zod';
import { formatInt, formatAuto, formatSpecSchema } from '../primitives/format';
import { FONT, baseOptsShape, createRoot, drawPlotFrame, finite, r, type G } from './common';
import { layoutScatter, type ScatterLayout, type ScatterPointLayout } from './scatter-layout';
import type { FigureRenderer } from './types';

const pointSchema = z
  .object({
    key: z.string().min(1),
    label: z.string().optional(),
    x: finite(),
    y: finite(),
    group: z.string().min(1).optional(),
    labelPosition: z.enum(['right', 'left', 'above', 'below']).default('right'),
    highlight: z.boolean().default(false),
  })
  .strict();

export const scatterDataSchema = z
  .object({ points: z.array(pointSchema).min(1, 'needs at least one point') })
  .strict()
  .superRefine((d, ctx) => {
    d.points.forEach((p, i) => {
      if (d.points.findIndex((q) => q.key === p.key) !== i) {
        ctx.addIssue({ code: 'custom', path: ['points', i, 'key'], message: `duplicate key "${p.key}"` });
      }
    });
  });
export type ScatterData = z.infer<typeof scatterDataSchema>;

export const scatterOptsSchema = z
  .object({
    ...baseOptsShape,
    title: z.string().default('Scatter plot'),
    height: z.number().int().min(160).max(1200).default(360),
    logX: z.boolean().default(false),
    logY: z.boolean().default(false),
    xLabel: z.string().optional(),
    yLabel: z.string().optional(),
    xFormat: formatSpecSchema.default({ kind: 'count', digits: 0 }),
    yFormat: formatSpecSchema.default({ kind: 'count', digits: 0 }),
  })
  .strict();
export type ScatterOpts = z.infer<typeof scatterOptsSchema>;

/** One point: its circle and, when it has one, its label. */
function drawPoint(marks: G, p: ScatterPointLayout): void {
  const g = marks.append('g').attr('class', 'fig-point-group').attr('data-key', p.point.key);
  g.append('circle')
    .attr('class', 'fig-point')
    .attr('cx', r(p.cx))
    .attr('cy', r(p.cy))
    .attr('r', p.radius)
    .attr('fill', p.colour)
    .attr('stroke', 'var(--bg)')
    .attr('stroke-width', 1.5)
    .attr('data-key', p.point.key)
    .attr('data-x', p.point.x)
    .attr('data-value', p.point.y);
  if (!p.label) return;
  const t = g
    .append('text')
    .attr('class', 'fig-point-label')
    .attr('font-size', FONT.tick)
    .attr('fill', 'var(--fg)')
    .text(p.label.text);
  if (p.point.highlight) t.attr('font-weight', 700);
  t.attr('x', r(p.label.x)).attr('y', r(p.label.y));
  if (p.label.dy) t.attr('dy', p.label.dy);
  t.attr('text-anchor', p.label.anchor);
}

/** Draws a laid-out scatter plot into `root`: legend, axes, then the points. */
function drawScatter(root: G, layout: ScatterLayout, opts: ScatterOpts): void {
  drawPlotFrame(root, layout, opts);
  const marks = root.append('g').attr('class', 'fig-marks');
  for (const point of layout.points) drawPoint(marks, point);
}

export const scatter: FigureRenderer<ScatterData, ScatterOpts> = {
  id: 'scatter',
  dataSchema: scatterDataSchema,
  optsSchema: scatterOptsSchema,

  render(data, opts, env) {
    const layout = layoutScatter(data, opts);
    const svg = createRoot(env, { id: opts.id, width: layout.width, height: layout.height, title: opts.title, description: scatter.describe(data), kind: 'scatter' });
    drawScatter(svg.append('g') as unknown as G, layout, opts);
    return svg.node() as SVGSVGElement;
  },

  toRows(data) {
    return data.points.map((p) => ({ key: p.key, label: p.label ?? '', x: p.x, y: p.y, group: p.group ?? '' }));
  },

  describe(data) {
    const named = data.points
      .filter((p) => p.label)
      .slice(0, 6)
      .map((p) => `${p.label ?? p.key} (${formatAuto(p.x)}, ${formatAuto(p.y)})`);
    return `Scatter plot of ${formatInt(data.points.length)} points${named.length ? `: ${named.join('; ')}` : ''}.`;
  },

  narrowOpts(opts) {
    return { ...opts, width: 360, height: Math.max(280, Math.round(opts.height * 0.9)) };
  },
};
