/**
 * Horizontal bar chart with a value label on each bar; optional log scale and category colours.
 * Used for parameter counts per model and per projector. Rows are drawn in the given order unless
 * opts.sort says otherwise.
 */
import { z } from 'zod';
import { formatAuto, formatInt, formatSpecSchema } from '../primitives/format';
import { BAR_LABEL_LINE, layoutBar, type BarLayout, type BarRowLayout } from './bar-layout';
import { FONT, baseOptsShape, createRoot, drawLegend, drawXAxis, finite, r, type G } from './common';
import type { FigureRenderer } from './types';

const rowSchema = z
  .object({
    /** Stable key, written to data-key. */
    key: z.string().min(1),
    label: z.string().min(1),
    value: finite(),
    /** Category: bars of one group share a colour; a legend appears when there are ≥ 2 groups. */
    group: z.string().min(1).optional(),
    /** Draw this bar in the accent colour with a bold label. */
    highlight: z.boolean().optional(),
  })
  .strict();

export const barDataSchema = z
  .object({
    rows: z.array(rowSchema).min(1, 'needs at least one row'),
  })
  .strict()
  .superRefine((d, ctx) => {
    const seen = new Set<string>();
    d.rows.forEach((row, i) => {
      if (seen.has(row.key)) ctx.addIssue({ code: 'custom', path: ['rows', i, 'key'], message: `duplicate key "${row.key}"` });
      seen.add(row.key);
    });
  });
export type BarData = z.infer<typeof barDataSchema>;

export const barOptsSchema = z
  .object({
    ...baseOptsShape,
    title: z.string().default('Bar chart'),
    /** Logarithmic value axis (every value must then be > 0). */
    log: z.boolean().default(false),
    format: formatSpecSchema.default({ kind: 'count', digits: 1 }),
    /** Format of the axis ticks; defaults to `format` with 0 digits. */
    tickFormat: formatSpecSchema.optional(),
    xLabel: z.string().optional(),
    sort: z.enum(['none', 'asc', 'desc']).default('none'),
  })
  .strict();
export type BarOpts = z.infer<typeof barOptsSchema>;

/** One row: the wrapped label on the left, the bar, and its value label. */
function drawRow(marks: G, row: BarRowLayout): void {
  const g = marks.append('g').attr('class', 'fig-bar-row').attr('data-key', row.row.key);
  const label = g
    .append('text')
    .attr('class', 'fig-bar-label')
    .attr('x', row.labelX)
    .attr('y', r(row.labelY))
    .attr('text-anchor', 'end')
    .attr('font-size', FONT.label)
    .attr('fill', 'var(--fg)');
  if (row.row.highlight) label.attr('font-weight', 700);
  row.lines.forEach((line, li) => {
    label.append('tspan').attr('x', row.labelX).attr('dy', li === 0 ? '0.32em' : `${BAR_LABEL_LINE}`).text(li === 0 ? line : ` ${line}`);
  });
  g.append('rect')
    .attr('class', 'fig-bar')
    .attr('x', r(row.bar.x))
    .attr('y', r(row.bar.y))
    .attr('width', r(row.bar.width))
    .attr('height', row.bar.height)
    .attr('rx', 2)
    .attr('fill', row.colour)
    .attr('stroke', row.row.highlight ? 'var(--fg)' : 'none')
    .attr('stroke-width', row.row.highlight ? 1.5 : 0)
    .attr('data-key', row.row.key)
    .attr('data-value', row.row.value);
  g.append('text')
    .attr('class', 'fig-bar-value')
    .attr('x', r(row.valueX))
    .attr('y', r(row.valueY))
    .attr('dy', '0.32em')
    .attr('font-size', FONT.value)
    .attr('fill', 'var(--fg)')
    .attr('data-key', row.row.key)
    .attr('data-value', row.row.value)
    .text(row.valueText);
}

/** Draws a laid-out bar chart into `root`: legend, rows, then the axis moved behind the rows. */
function drawBar(root: G, layout: BarLayout, xLabel: string | undefined): void {
  if (layout.legend) drawLegend(root, layout.legend);
  const marks = root.append('g').attr('class', 'fig-marks');
  for (const row of layout.rows) drawRow(marks, row);
  const { axis } = layout;
  drawXAxis(root, axis.ticks, axis.x, { y: axis.y, gridTop: axis.gridTop, label: xLabel, labelX: axis.label.x, labelSize: axis.label.size });
  // Grid lines go behind the bars.
  const axisNode = root.select<SVGGElement>('.fig-axis-x').node();
  const marksNode = marks.node();
  if (axisNode && marksNode) root.node()?.insertBefore(axisNode, marksNode);
}

export const bar: FigureRenderer<BarData, BarOpts> = {
  id: 'bar',
  dataSchema: barDataSchema,
  optsSchema: barOptsSchema,

  render(data, opts, env) {
    const layout = layoutBar(data, opts);
    const svg = createRoot(env, { id: opts.id, width: layout.width, height: layout.height, title: opts.title, description: bar.describe(data), kind: 'bar' });
    drawBar(svg.append('g') as unknown as G, layout, opts.xLabel);
    return svg.node() as SVGSVGElement;
  },

  toRows(data) {
    return data.rows.map((row) => ({ key: row.key, label: row.label, value: row.value, group: row.group ?? '' }));
  },

  describe(data) {
    const sorted = [...data.rows].sort((a, b) => b.value - a.value);
    const top = sorted[0];
    const bottom = sorted[sorted.length - 1];
    if (!top || !bottom) return 'Bar chart.';
    return `Bar chart of ${formatInt(data.rows.length)} values; largest ${top.label} (${formatAuto(top.value)}), smallest ${bottom.label} (${formatAuto(bottom.value)}).`;
  },

  narrowOpts(opts) {
    return { ...opts, width: 360 };
  },
};
