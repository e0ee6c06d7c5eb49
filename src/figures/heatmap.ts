/**
 * Matrix heatmap with row and column labels: similarity matrices and attention maps. The colour is
 * one series token with fill-opacity proportional to the value (two tokens for a diverging scale
 * around 0), so it follows the theme and print without re-rendering. Cell text is --fg with a --bg
 * halo (haloText in ./common.ts), keeping contrast in both themes whatever the shade. The geometry
 * is computed in ./heatmap-layout.ts.
 */
import { z } from 'zod';
import { formatShape, formatAuto, formatSpecSchema } from '../primitives/format';
import { FONT, baseOptsShape, createRoot, drawCellValue, finite, r, type G } from './common';
import { layoutHeatmap, type HeatmapLayout, type ColourRampLayout } from './heatmap-layout';
import type { FigureRenderer } from './types';

export const heatmapDataSchema = z
  .object({
    rows: z.array(z.string()).min(1, 'needs at least one row label'),
    cols: z.array(z.string()).min(1, 'needs at least one column label'),
    /** values[i][j] for row i, column j. */
    values: z.array(z.array(finite())),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.values.length !== d.rows.length) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `has ${d.values.length} rows but rows has ${d.rows.length} labels` });
    }
    d.values.forEach((row, i) => {
      if (row.length !== d.cols.length) {
        ctx.addIssue({ code: 'custom', path: ['values', i], message: `has ${row.length} values but cols has ${d.cols.length} labels` });
      }
    });
  });
export type HeatmapData = z.infer<typeof heatmapDataSchema>;

export const heatmapOptsSchema = z
  .object({
    ...baseOptsShape,
    title: z.string().default('Heatmap'),
    /** Colour domain; default [min(0, min), max]. With diverging, symmetric around 0. */
    domain: z.tuple([finite(), finite()]).optional(),
    diverging: z.boolean().default(false),
    /** Write the value in each cell (automatically off when cells are too small). */
    showValues: z.boolean().default(true),
    format: formatSpecSchema.default({ kind: 'fixed', digits: 2 }),
    rowTitle: z.string().optional(),
    colTitle: z.string().optional(),
  })
  .strict();
export type HeatmapOpts = z.infer<typeof heatmapOptsSchema>;

/** Column labels (rotated -45° when they do not fit the cell), row labels and the two titles. */
function drawLabels(root: G, layout: HeatmapLayout): void {
  const colG = root.append('g').attr('class', 'fig-col-labels');
  layout.colLabels.forEach((label, j) => {
    const t = colG.append('text').attr('font-size', FONT.tick).attr('fill', 'var(--fg)').attr('data-key', `col:${j}`).text(label.text);
    if (layout.rotate) t.attr('transform', `translate(${r(label.x)},${r(label.y)}) rotate(-45)`).attr('text-anchor', 'start');
    else t.attr('x', r(label.x)).attr('y', r(label.y)).attr('text-anchor', 'middle');
  });
  if (layout.colTitle) {
    root
      .append('text')
      .attr('class', 'fig-axis-label')
      .attr('x', r(layout.colTitle.x))
      .attr('y', layout.colTitle.y)
      .attr('text-anchor', 'middle')
      .attr('font-size', FONT.label)
      .attr('fill', 'var(--fg)')
      .text(layout.colTitle.text);
  }
  const rowG = root.append('g').attr('class', 'fig-row-labels');
  layout.rowLabels.forEach((label, i) => {
    rowG
      .append('text')
      .attr('x', label.x)
      .attr('y', r(label.y))
      .attr('dy', '0.32em')
      .attr('text-anchor', 'end')
      .attr('font-size', FONT.tick)
      .attr('fill', 'var(--fg)')
      .attr('data-key', `row:${i}`)
      .text(label.text);
  });
  if (layout.rowTitle) {
    root
      .append('text')
      .attr('class', 'fig-axis-label')
      .attr('transform', `translate(${layout.rowTitle.x},${r(layout.rowTitle.y)}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .attr('font-size', FONT.label)
      .attr('fill', 'var(--fg)')
      .text(layout.rowTitle.text);
  }
}

/** The framed grid of cells, each with its value when the values fit. */
function drawCells(root: G, layout: HeatmapLayout): void {
  const { cell } = layout;
  const marks = root.append('g').attr('class', 'fig-marks');
  marks
    .append('rect')
    .attr('class', 'fig-heatmap-frame')
    .attr('x', layout.left)
    .attr('y', r(layout.top))
    .attr('width', r(layout.gridW))
    .attr('height', r(layout.gridH))
    .attr('fill', 'var(--bg)')
    .attr('stroke', 'var(--rule)');
  for (const c of layout.cells) {
    const key = `${c.i},${c.j}`;
    marks
      .append('rect')
      .attr('class', 'fig-cell')
      .attr('x', r(c.x))
      .attr('y', r(c.y))
      .attr('width', r(cell))
      .attr('height', r(cell))
      .attr('fill', c.colour)
      .attr('fill-opacity', r(c.opacity))
      .attr('data-key', key)
      .attr('data-value', c.value);
    if (layout.showValues) drawCellValue(marks, { x: c.x, y: c.y, cell, size: layout.valueFont, key, value: c.value, text: c.text });
  }
}

/** The colour legend: a vertical ramp with the domain ends. */
function drawRamp(root: G, ramp: ColourRampLayout): void {
  const legend = root.append('g').attr('class', 'fig-colour-legend');
  for (const step of ramp.steps) {
    legend
      .append('rect')
      .attr('x', r(ramp.x))
      .attr('y', r(step.y))
      .attr('width', 10)
      .attr('height', r(step.height))
      .attr('fill', step.colour)
      .attr('fill-opacity', r(step.opacity));
  }
  for (const end of ramp.ends) {
    legend
      .append('text')
      .attr('x', r(end.x))
      .attr('y', r(end.y))
      .attr('dy', end.dy)
      .attr('font-size', FONT.tick - 1)
      .attr('fill', 'var(--muted)')
      .attr('data-key', end.key)
      .attr('data-value', end.value)
      .text(end.text);
  }
}

export const heatmap: FigureRenderer<HeatmapData, HeatmapOpts> = {
  id: 'heatmap',
  dataSchema: heatmapDataSchema,
  optsSchema: heatmapOptsSchema,

  render(data, opts, env) {
    const layout = layoutHeatmap(data, opts);
    const svg = createRoot(env, { id: opts.id, width: layout.width, height: layout.height, title: opts.title, description: heatmap.describe(data), kind: 'heatmap' });
    const root = svg.append('g') as unknown as G;
    drawLabels(root, layout);
    drawCells(root, layout);
    drawRamp(root, layout.legend);
    return svg.node() as SVGSVGElement;
  },

  toRows(data) {
    return data.values.flatMap((row, i) => row.map((v, j) => ({ row: data.rows[i] ?? '', col: data.cols[j] ?? '', i, j, value: v })));
  },

  describe(data) {
    let best = { v: -Infinity, i: 0, j: 0 };
    data.values.forEach((row, i) =>
      row.forEach((v, j) => {
        if (v > best.v) best = { v, i, j };
      }),
    );
    return `Heatmap of ${formatShape([data.rows.length, data.cols.length])} values; the largest is ${formatAuto(best.v)} at ${data.rows[best.i] ?? ''} / ${data.cols[best.j] ?? ''}.`;
  },

  narrowOpts(opts) {
    return { ...opts, width: 360 };
  },
};
