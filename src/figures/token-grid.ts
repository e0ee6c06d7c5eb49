/**
 * Grids of visual tokens (h × w patches), each cell shaded by its value (a score, a norm) with kept
 * and dropped cells marked: token selection/pruning, and pooling 24×24 → 12×12 as two grids side by
 * side with an arrow. Every grid gets the same box, so a pooled grid's cells are proportionally
 * larger. Values are written in the cells when they fit.
 */
import { z } from 'zod';
import { formatInt, formatShape, formatAuto, formatSpecSchema } from '../primitives/format';
import { FONT, appendArrowhead, baseOptsShape, createRoot, drawCellValue, finite, r, type G } from './common';
import {
  layoutTokenGrid,
  type GridBlockLayout,
  type GridCellLayout,
  type GridLegendLayout,
  type GridStepLayout,
} from './token-grid-layout';
import type { FigureRenderer } from './types';

const gridSchema = z
  .object({
    key: z.string().min(1),
    label: z.string().optional(),
    h: z.number().int().min(1).max(64),
    w: z.number().int().min(1).max(64),
    /** Row-major, length h·w. */
    values: z.array(finite()),
    /** Flat indices of kept cells; when present, every other cell is drawn as dropped. */
    kept: z.array(z.number().int().nonnegative()).optional(),
  })
  .strict()
  .superRefine((g, ctx) => {
    if (g.values.length !== g.h * g.w) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `has ${g.values.length} values, expected h·w = ${g.h * g.w}` });
    }
    g.kept?.forEach((k, i) => {
      if (k >= g.h * g.w) ctx.addIssue({ code: 'custom', path: ['kept', i], message: `index ${k} is outside the ${g.h}×${g.w} grid` });
    });
  });

export const tokenGridDataSchema = z
  .object({
    grids: z.array(gridSchema).min(1, 'needs at least one grid').max(4),
    /** Label on the arrow between grid i and i+1 (e.g. "2×2 average pool"). */
    steps: z.array(z.string()).default([]),
  })
  .strict();
export type TokenGridData = z.infer<typeof tokenGridDataSchema>;

export const tokenGridOptsSchema = z
  .object({
    ...baseOptsShape,
    title: z.string().default('Token grid'),
    layout: z.enum(['row', 'column']).default('row'),
    showValues: z.boolean().default(true),
    format: formatSpecSchema.default({ kind: 'fixed', digits: 2 }),
    /** Shading domain; default the min and max over all grids. */
    domain: z.tuple([finite(), finite()]).optional(),
  })
  .strict();
export type TokenGridOpts = z.infer<typeof tokenGridOptsSchema>;

type Grid = TokenGridData['grids'][number];

/** One cell: its shaded (or emptied) square and, when values fit, its value. */
function drawCell(g: G, grid: Grid, c: GridCellLayout, cell: number, showValue: boolean): void {
  const key = `${grid.key}:${c.i},${c.j}`;
  const rect = g
    .append('rect')
    .attr('class', c.state === 'none' ? 'fig-cell' : `fig-cell is-${c.state}`)
    .attr('x', r(c.x))
    .attr('y', r(c.y))
    .attr('width', r(cell))
    .attr('height', r(cell))
    .attr('data-key', key)
    .attr('data-value', c.value);
  if (c.state !== 'none') rect.attr('data-state', c.state);
  // Dropped cells are emptied (background, dashed edge).
  if (c.state === 'dropped') rect.attr('fill', 'var(--bg)').attr('stroke', 'var(--rule)').attr('stroke-dasharray', cell >= 10 ? '3 2' : null);
  else rect.attr('fill-opacity', r(c.opacity));
  if (showValue) drawCellValue(g, { x: c.x, y: c.y, cell, size: FONT.value - 2, key, value: c.value, text: c.text, fill: c.state === 'dropped' ? 'var(--muted)' : 'var(--fg)' });
}

/** One grid: caption, cells, kept outlines on top (so the selection reads where shading is faint), frame. */
function drawBlock(root: G, b: GridBlockLayout): void {
  const { grid, cell } = b;
  // Cell stroke and default fill live on the group: a 24×24 grid is 576 rects, twice per page.
  const g = root
    .append('g')
    .attr('class', 'fig-grid-block')
    .attr('data-key', grid.key)
    .attr('fill', 'var(--series-1)')
    .attr('stroke', 'var(--bg)')
    .attr('stroke-width', cell >= 10 ? 1 : 0.5);
  g.append('text')
    .attr('class', 'fig-grid-label')
    .attr('x', r(b.caption.x))
    .attr('y', r(b.caption.y))
    .attr('text-anchor', 'middle')
    .attr('font-size', b.caption.size)
    .attr('font-weight', 600)
    .attr('fill', 'var(--fg)')
    .attr('stroke', 'none')
    .attr('data-key', `${grid.key}.shape`)
    .attr('data-shape', `${grid.h},${grid.w}`)
    .text(b.caption.text);
  for (const c of b.cells) drawCell(g, grid, c, cell, b.showValues);
  for (const o of b.outlines) {
    g.append('rect')
      .attr('class', 'fig-kept-outline')
      .attr('x', r(o.x))
      .attr('y', r(o.y))
      .attr('width', r(o.size))
      .attr('height', r(o.size))
      .attr('fill', 'none')
      .attr('stroke', 'var(--accent)')
      .attr('stroke-width', cell >= 10 ? 1.5 : 1);
  }
  g.append('rect')
    .attr('class', 'fig-grid-frame')
    .attr('x', r(b.x))
    .attr('y', r(b.y))
    .attr('width', r(b.w))
    .attr('height', r(b.h))
    .attr('fill', 'none')
    .attr('stroke', 'var(--rule)');
}

/** The arrow between two grids and its label. */
function drawStep(root: G, id: string, step: GridStepLayout): void {
  const sg = root.append('g').attr('class', 'fig-step');
  const a = step.arrow;
  sg.append('line')
    .attr('class', 'fig-arrow')
    .attr('x1', r(a.x1))
    .attr('y1', r(a.y1))
    .attr('x2', r(a.x2))
    .attr('y2', r(a.y2))
    .attr('stroke', 'var(--muted)')
    .attr('stroke-width', 1.5)
    .attr('marker-end', `url(#${id}-arrowhead)`);
  if (!step.labelled) return;
  if (step.wrapped) {
    const t = sg.append('text').attr('text-anchor', 'middle').attr('font-size', FONT.tick - 1).attr('fill', 'var(--muted)');
    step.lines.forEach((ln, li) => {
      t.append('tspan').attr('x', r(ln.x)).attr('y', r(ln.y)).text(li === 0 ? ln.text : ` ${ln.text}`);
    });
    return;
  }
  for (const ln of step.lines) {
    sg.append('text').attr('x', r(ln.x)).attr('y', r(ln.y)).attr('font-size', FONT.tick - 1).attr('fill', 'var(--muted)').text(ln.text);
  }
}

/** The kept/dropped key with both counts. */
function drawKeptLegend(root: G, l: GridLegendLayout): void {
  const lg = root.append('g').attr('class', 'fig-legend').attr('transform', `translate(${r(l.x)},${r(l.y)})`);
  lg.append('rect').attr('x', 0).attr('y', -6).attr('width', 12).attr('height', 12).attr('fill', 'var(--series-1)').attr('fill-opacity', 0.6).attr('stroke', 'var(--accent)').attr('stroke-width', 1.5);
  lg.append('text').attr('x', 18).attr('dy', '0.32em').attr('font-size', FONT.label).attr('fill', 'var(--fg)').attr('data-key', 'kept-count').attr('data-value', l.kept).text(l.keptText);
  lg.append('rect').attr('x', r(l.droppedX)).attr('y', -6).attr('width', 12).attr('height', 12).attr('fill', 'var(--bg)').attr('stroke', 'var(--muted)').attr('stroke-dasharray', '3 2');
  lg.append('text')
    .attr('x', r(l.droppedX + 18))
    .attr('dy', '0.32em')
    .attr('font-size', FONT.label)
    .attr('fill', 'var(--fg)')
    .attr('data-key', 'dropped-count')
    .attr('data-value', l.dropped)
    .text(l.droppedText);
}

export const tokenGrid: FigureRenderer<TokenGridData, TokenGridOpts> = {
  id: 'token-grid',
  dataSchema: tokenGridDataSchema,
  optsSchema: tokenGridOptsSchema,

  render(data, opts, env) {
    const layout = layoutTokenGrid(data, opts);
    const svg = createRoot(env, { id: opts.id, width: layout.width, height: layout.height, title: opts.title, description: tokenGrid.describe(data), kind: 'token-grid' });
    appendArrowhead(svg, opts.id, 'auto');
    const root = svg.append('g') as unknown as G;
    for (const block of layout.blocks) drawBlock(root, block);
    for (const step of layout.steps) drawStep(root, opts.id, step);
    if (layout.legend) drawKeptLegend(root, layout.legend);
    return svg.node() as SVGSVGElement;
  },

  toRows(data) {
    const kept = (g: Grid, idx: number): string => (g.kept ? (g.kept.includes(idx) ? 'kept' : 'dropped') : '');
    return data.grids.flatMap((g) => g.values.map((v, idx) => ({ grid: g.key, i: Math.floor(idx / g.w), j: idx % g.w, value: v, state: kept(g, idx) })));
  },

  describe(data) {
    const parts = data.grids.map((g) => {
      const shape = formatShape([g.h, g.w]);
      const keptPart = g.kept ? `, ${formatInt(g.kept.length)} of ${formatInt(g.h * g.w)} kept` : '';
      const max = Math.max(...g.values);
      return `${g.label ?? g.key}: ${shape} tokens${keptPart}, largest value ${formatAuto(max)}`;
    });
    return `Token grid${data.grids.length > 1 ? 's' : ''}: ${parts.join('; ')}.`;
  },

  narrowOpts(opts) {
    return { ...opts, width: 360, layout: 'column' };
  },
};
