/**
 * Scatter plot with labelled points, optional log x / log y and category colours. Used for
 * parameters vs visual tokens per model. Each point's label sits to its right unless the data asks
 * for another side (no automatic collision solving: the author places crowded labels).
 */
import { scaleLinear, scaleLog } from 'd3';
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

function groupsOf(data: ScatterData): string[] {
  const groups: string[] = [];
  for (const p of data.points) if (p.group !== undefined && !groups.includes(p.group)) groups.push(p.group);
  return groups;
}

function axis(
  values: number[],
  log: boolean,
  range: [number, number],
  fmt: FormatSpec,
  count: number,
): { scale: (v: number) => number; ticks: Tick[] } {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (log) {
    const a = 10 ** Math.floor(Math.log10(lo));
    const b = 10 ** Math.ceil(Math.log10(hi === lo ? hi * 10 : hi));
    const s = scaleLog().domain([a, b]).range(range);
    return { scale: (v) => s(v), ticks: logTicks(a, b, fmt) };
  }
  const pad = hi === lo ? Math.max(Math.abs(hi) * 0.1, 1) : (hi - lo) * 0.05;
  const s = scaleLinear().domain([lo - pad, hi + pad]).nice(count).range(range);
  return { scale: (v) => s(v), ticks: s.ticks(count).map((v) => ({ value: v, label: formatValue(fmt, v) })) };
}

export const scatter: FigureRenderer<ScatterData, ScatterOpts> = {
  id: 'scatter',
  dataSchema: scatterDataSchema,
  optsSchema: scatterOptsSchema,

  render(data, opts, env) {
    const W = opts.width;
    const H = opts.height;
    data.points.forEach((p, i) => {
      if (opts.logX && p.x <= 0) throw new Error(`scatter "${opts.id}": opts.logX needs data.points[${i}].x > 0`);
      if (opts.logY && p.y <= 0) throw new Error(`scatter "${opts.id}": opts.logY needs data.points[${i}].y > 0`);
    });
    const groups = groupsOf(data);
    const svg = createRoot(env, { id: opts.id, width: W, height: H, title: opts.title, description: scatter.describe(data), kind: 'scatter' });
    const root = svg.append('g') as unknown as G;
    let top = 8;
    if (groups.length >= 2) {
      top += drawLegend(
        root,
        groups.map((g, i) => ({ key: g, label: g, color: seriesColor(i) })),
        { x: 4, y: top + 8, maxWidth: W - 8, swatch: 'square' },
      );
      top += 6;
    }
    if (opts.yLabel) top += FONT.label + 8;
    const plotTop = top + 8;
    const bottom = H - (FONT.tick + 10) - (opts.xLabel ? FONT.label + 10 : 0);
    const yAxis = axis(data.points.map((p) => p.y), opts.logY, [bottom, plotTop], opts.yFormat, 5);
    const left = Math.ceil(Math.max(...yAxis.ticks.map((t) => textWidth(t.label, FONT.tick)))) + 12;
    // Room on the right for labels of the right-most points.
    const right = W - 12;
    const xAxis = axis(data.points.map((p) => p.x), opts.logX, [left + 8, right], opts.xFormat, Math.max(3, Math.floor((right - left) / 90)));
    drawYAxis(root, yAxis.ticks, yAxis.scale, { x0: left, gridRight: right, label: opts.yLabel, labelY: top - 6 });
    drawXAxis(root, xAxis.ticks, xAxis.scale, { y: bottom, gridTop: plotTop, label: opts.xLabel, labelX: (left + right) / 2 });

    const marks = root.append('g').attr('class', 'fig-marks');
    data.points.forEach((p) => {
      const cx = xAxis.scale(p.x);
      const cy = yAxis.scale(p.y);
      const gi = p.group === undefined ? 0 : groups.indexOf(p.group);
      const g = marks.append('g').attr('class', 'fig-point-group').attr('data-key', p.key);
      g.append('circle')
        .attr('class', 'fig-point')
        .attr('cx', r(cx))
        .attr('cy', r(cy))
        .attr('r', p.highlight ? 6 : 4.5)
        .attr('fill', p.highlight ? 'var(--accent)' : seriesColor(gi))
        .attr('stroke', 'var(--bg)')
        .attr('stroke-width', 1.5)
        .attr('data-key', p.key)
        .attr('data-x', p.x)
        .attr('data-value', p.y);
      if (p.label) {
        const t = g
          .append('text')
          .attr('class', 'fig-point-label')
          .attr('font-size', FONT.tick)
          .attr('fill', 'var(--fg)')
          .text(p.label);
        if (p.highlight) t.attr('font-weight', 700);
        const w = textWidth(p.label, FONT.tick);
        let side = p.labelPosition;
        // Keep labels inside the plot: flip sides at the edges.
        if (side === 'right' && cx + 8 + w > W) side = 'left';
        if (side === 'left' && cx - 8 - w < 0) side = 'right';
        if (side === 'right') t.attr('x', r(cx + 8)).attr('y', r(cy)).attr('dy', '0.32em').attr('text-anchor', 'start');
        else if (side === 'left') t.attr('x', r(cx - 8)).attr('y', r(cy)).attr('dy', '0.32em').attr('text-anchor', 'end');
        else if (side === 'above') t.attr('x', r(cx)).attr('y', r(cy - 9)).attr('text-anchor', 'middle');
        else t.attr('x', r(cx)).attr('y', r(cy + 9)).attr('dy', '0.8em').attr('text-anchor', 'middle');
      }
    });
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
