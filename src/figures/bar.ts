/**
 * Horizontal bar chart with a value label on each bar; optional log scale and category colours.
 * Used for parameter counts per model and per projector. Rows are drawn in the given order unless
 * opts.sort says otherwise.
 */
import { scaleLinear, scaleLog } from 'd3';
import { z } from 'zod';
import { formatAuto, formatInt, formatSpecSchema, formatValue } from '../primitives/format';
import {
  FONT,
  baseOptsShape,
  createRoot,
  drawLegend,
  drawXAxis,
  finite,
  logTicks,
  r,
  seriesColor,
  textWidth,
  wrapLabel,
  type G,
  type Tick,
} from './common';
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

function sortedRows(data: BarData, sort: BarOpts['sort']): BarData['rows'] {
  if (sort === 'none') return data.rows;
  const rows = [...data.rows];
  rows.sort((a, b) => (sort === 'asc' ? a.value - b.value : b.value - a.value) || a.key.localeCompare(b.key));
  return rows;
}

function groupsOf(rows: BarData['rows']): string[] {
  const groups: string[] = [];
  for (const row of rows) if (row.group !== undefined && !groups.includes(row.group)) groups.push(row.group);
  return groups;
}

export const bar: FigureRenderer<BarData, BarOpts> = {
  id: 'bar',
  dataSchema: barDataSchema,
  optsSchema: barOptsSchema,

  render(data, opts, env) {
    const rows = sortedRows(data, opts.sort);
    if (opts.log) {
      const bad = data.rows.findIndex((row) => row.value <= 0);
      if (bad >= 0) throw new Error(`bar "${opts.id}": opts.log needs data.rows[${bad}].value > 0 (got ${String(data.rows[bad]?.value)})`);
    }
    const W = opts.width;
    const groups = groupsOf(rows);
    const tickFormat = opts.tickFormat ?? { ...opts.format, digits: 0 };

    // Left column: labels, wrapped to two lines, at most 40 % of the width.
    const labelCol = Math.min(Math.max(...rows.map((row) => textWidth(row.label, FONT.label))), W * 0.4);
    const labelLines = rows.map((row) => wrapLabel(row.label, labelCol, FONT.label, 2));
    const valueTexts = rows.map((row) => formatValue(opts.format, row.value));
    const valueCol = Math.max(...valueTexts.map((t) => textWidth(t, FONT.value))) + 10;

    const left = Math.ceil(labelCol) + 12;
    const right = W - Math.ceil(valueCol) - 8;

    const rowHeights = labelLines.map((lines) => Math.max(26, lines.length * (FONT.label + 3) + 10));

    const maxV = Math.max(...rows.map((row) => row.value));
    const minV = Math.min(...rows.map((row) => row.value));
    let x: (v: number) => number;
    let ticks: Tick[];
    let base: number;
    if (opts.log) {
      const lo = 10 ** Math.floor(Math.log10(minV));
      const hi = 10 ** Math.ceil(Math.log10(maxV));
      const scale = scaleLog().domain([lo, hi]).range([left, right]);
      x = (v) => scale(v);
      ticks = logTicks(lo, hi, tickFormat);
      base = lo;
    } else {
      const scale = scaleLinear().domain([Math.min(0, minV), Math.max(0, maxV)]).nice(5).range([left, right]);
      x = (v) => scale(v);
      ticks = scale.ticks(5).map((v) => ({ value: v, label: formatValue(tickFormat, v) }));
      base = 0;
    }

    // Measure the legend first by drawing it into a detached group.
    const svg = createRoot(env, {
      id: opts.id,
      width: W,
      height: 10, // replaced below
      title: opts.title,
      description: bar.describe(data),
      kind: 'bar',
    });
    const root = svg.append('g') as unknown as G;
    let top = 8;
    if (groups.length >= 2) {
      // Align the legend with the bars when it fits on one line there, else start at the left edge.
      const legendW = groups.reduce((a, gname) => a + 22 + textWidth(gname, FONT.label) + 16, 0);
      const lx = legendW <= W - left ? left : 4;
      const h = drawLegend(
        root,
        groups.map((gname, i) => ({ key: gname, label: gname, color: seriesColor(i) })),
        { x: lx, y: top + 8, maxWidth: W - lx, swatch: 'square' },
      );
      top += h + 8;
    }

    const marks = root.append('g').attr('class', 'fig-marks');
    let y = top;
    rows.forEach((row, i) => {
      const h = rowHeights[i] ?? 26;
      const barH = Math.min(18, h - 8);
      const cy = y + h / 2;
      const x0 = x(base);
      const x1 = x(row.value);
      const groupIndex = row.group === undefined ? 0 : groups.indexOf(row.group);
      const color = row.highlight ? 'var(--accent)' : seriesColor(groupIndex);
      const g = marks.append('g').attr('class', 'fig-bar-row').attr('data-key', row.key);
      const lines = labelLines[i] ?? [row.label];
      const label = g
        .append('text')
        .attr('class', 'fig-bar-label')
        .attr('x', left - 8)
        .attr('y', r(cy - ((lines.length - 1) * (FONT.label + 3)) / 2))
        .attr('text-anchor', 'end')
        .attr('font-size', FONT.label)
        .attr('fill', 'var(--fg)');
      if (row.highlight) label.attr('font-weight', 700);
      lines.forEach((line, li) => {
        label.append('tspan').attr('x', left - 8).attr('dy', li === 0 ? '0.32em' : `${FONT.label + 3}`).text(li === 0 ? line : ` ${line}`);
      });
      g.append('rect')
        .attr('class', 'fig-bar')
        .attr('x', r(Math.min(x0, x1)))
        .attr('y', r(cy - barH / 2))
        .attr('width', r(Math.max(1, Math.abs(x1 - x0))))
        .attr('height', barH)
        .attr('rx', 2)
        .attr('fill', color)
        .attr('stroke', row.highlight ? 'var(--fg)' : 'none')
        .attr('stroke-width', row.highlight ? 1.5 : 0)
        .attr('data-key', row.key)
        .attr('data-value', row.value);
      g.append('text')
        .attr('class', 'fig-bar-value')
        .attr('x', r(Math.max(x0, x1) + 5))
        .attr('y', r(cy))
        .attr('dy', '0.32em')
        .attr('font-size', FONT.value)
        .attr('fill', 'var(--fg)')
        .attr('data-key', row.key)
        .attr('data-value', row.value)
        .text(valueTexts[i] ?? '');
      y += h;
    });

    drawXAxis(root, ticks, x, {
      y: y + 4,
      gridTop: top,
      label: opts.xLabel,
      labelX: (left + right) / 2,
    });
    // Grid lines go behind the bars.
    const axisNode = root.select<SVGGElement>('.fig-axis-x').node();
    const marksNode = marks.node();
    if (axisNode && marksNode) root.node()?.insertBefore(axisNode, marksNode);

    const height = y + 4 + FONT.tick + 10 + (opts.xLabel ? FONT.label + 8 : 0);
    svg.attr('viewBox', `0 0 ${W} ${Math.ceil(height)}`).attr('data-height', Math.ceil(height));
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
