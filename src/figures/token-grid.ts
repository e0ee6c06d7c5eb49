/**
 * Grids of visual tokens (h × w patches), each cell shaded by its value (a score, a norm) with kept
 * and dropped cells marked: token selection/pruning, and pooling 24×24 → 12×12 as two grids side by
 * side with an arrow. Every grid gets the same box, so a pooled grid's cells are proportionally
 * larger. Values are written in the cells when they fit.
 */
import { z } from 'zod';
import { formatInt, formatShape, formatAuto, formatSpecSchema, formatValue } from '../primitives/format';
import {
  FONT,
  baseOptsShape,
  createRoot,
  finite,
  haloText,
  r,
  textWidth,
  wrapLabel,
  type G,
} from './common';
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

function drawArrow(g: G, id: string, x1: number, y1: number, x2: number, y2: number): void {
  g.append('line')
    .attr('class', 'fig-arrow')
    .attr('x1', r(x1))
    .attr('y1', r(y1))
    .attr('x2', r(x2))
    .attr('y2', r(y2))
    .attr('stroke', 'var(--muted)')
    .attr('stroke-width', 1.5)
    .attr('marker-end', `url(#${id}-arrowhead)`);
}

export const tokenGrid: FigureRenderer<TokenGridData, TokenGridOpts> = {
  id: 'token-grid',
  dataSchema: tokenGridDataSchema,
  optsSchema: tokenGridOptsSchema,

  render(data, opts, env) {
    const W = opts.width;
    const k = data.grids.length;
    const all = data.grids.flatMap((g) => g.values);
    const [lo, hi] = opts.domain ?? [Math.min(...all), Math.max(...all)];
    const span = hi - lo || 1;
    const stepW = Math.max(0, ...data.steps.map((t) => textWidth(t, FONT.tick - 1)));
    const gap = k > 1 ? Math.min(Math.max(56, stepW / 2 + 20), W * 0.2) : 0;
    const labelH = FONT.label + 22;
    const legendH = data.grids.some((g) => g.kept) ? FONT.label + 16 : 0;
    const row = opts.layout === 'row';
    const box = row ? Math.min((W - 12 - (k - 1) * gap) / k, 320) : Math.min(W - 12, 320);
    const totalW = row ? k * box + (k - 1) * gap : box;
    const x0 = (W - totalW) / 2;

    const svg = createRoot(env, { id: opts.id, width: W, height: 10, title: opts.title, description: tokenGrid.describe(data), kind: 'token-grid' });
    svg
      .append('defs')
      .append('marker')
      .attr('id', `${opts.id}-arrowhead`)
      .attr('viewBox', '0 0 10 10')
      .attr('refX', 9)
      .attr('refY', 5)
      .attr('markerWidth', 7)
      .attr('markerHeight', 7)
      .attr('orient', 'auto')
      .append('path')
      .attr('d', 'M0,0L10,5L0,10z')
      .attr('fill', 'var(--muted)');
    const root = svg.append('g') as unknown as G;
    let maxBottom = 0;
    const positions: Array<{ x: number; y: number; gw: number; gh: number }> = [];

    data.grids.forEach((grid: Grid, gi) => {
      const cell = box / Math.max(grid.h, grid.w);
      const gw = cell * grid.w;
      const gh = cell * grid.h;
      const bx = row ? x0 + gi * (box + gap) : x0;
      const by = row ? labelH : labelH + gi * (box + labelH + gap * 0.6);
      const gx = bx + (box - gw) / 2;
      positions.push({ x: gx, y: by, gw, gh });
      // Cell stroke and default fill live on the group: a 24×24 grid is 576 rects, twice per page.
      const g = root
        .append('g')
        .attr('class', 'fig-grid-block')
        .attr('data-key', grid.key)
        .attr('fill', 'var(--series-1)')
        .attr('stroke', 'var(--bg)')
        .attr('stroke-width', cell >= 10 ? 1 : 0.5);
      const kept = grid.kept ? new Set(grid.kept) : undefined;
      const caption = `${grid.label ? `${grid.label} ` : ''}(${formatShape([grid.h, grid.w])})`;
      g.append('text')
        .attr('class', 'fig-grid-label')
        .attr('x', r(bx + box / 2))
        .attr('y', r(by - 10))
        .attr('text-anchor', 'middle')
        .attr('font-size', FONT.label)
        .attr('font-weight', 600)
        .attr('fill', 'var(--fg)')
        .attr('stroke', 'none')
        .attr('data-key', `${grid.key}.shape`)
        .attr('data-shape', `${grid.h},${grid.w}`)
        .text(caption);
      const texts = grid.values.map((v) => formatValue(opts.format, v));
      const fits = opts.showValues && cell >= 24 && Math.max(...texts.map((t) => textWidth(t, FONT.value - 2))) <= cell - 3;
      grid.values.forEach((v, idx) => {
        const i = Math.floor(idx / grid.w);
        const j = idx % grid.w;
        const state = kept ? (kept.has(idx) ? 'kept' : 'dropped') : 'none';
        const t = Math.max(0.06, Math.min(1, (v - lo) / span));
        const x = gx + j * cell;
        const y = by + i * cell;
        const rect = g
          .append('rect')
          .attr('class', state === 'none' ? 'fig-cell' : `fig-cell is-${state}`)
          .attr('x', r(x))
          .attr('y', r(y))
          .attr('width', r(cell))
          .attr('height', r(cell))
          .attr('data-key', `${grid.key}:${i},${j}`)
          .attr('data-value', v);
        if (state !== 'none') rect.attr('data-state', state);
        // Dropped cells are emptied (background, dashed edge); kept cells keep at least a visible tint.
        if (state === 'dropped') rect.attr('fill', 'var(--bg)').attr('stroke', 'var(--rule)').attr('stroke-dasharray', cell >= 10 ? '3 2' : null);
        else rect.attr('fill-opacity', r(state === 'kept' ? Math.max(0.3, t) : t));
        if (fits) {
          const text = g
            .append('text')
            .attr('class', 'fig-cell-value')
            .attr('x', r(x + cell / 2))
            .attr('y', r(y + cell / 2))
            .attr('dy', '0.32em')
            .attr('text-anchor', 'middle')
            .attr('font-size', FONT.value - 2)
            .attr('data-key', `${grid.key}:${i},${j}`)
            .attr('data-value', v)
            .text(texts[idx] ?? '');
          haloText(text, state === 'dropped' ? 'var(--muted)' : 'var(--fg)');
        }
      });
      if (kept) {
        // Outline the kept cells on top, so the selection reads even where shading is faint.
        grid.values.forEach((_, idx) => {
          if (!kept.has(idx)) return;
          const i = Math.floor(idx / grid.w);
          const j = idx % grid.w;
          g.append('rect')
            .attr('class', 'fig-kept-outline')
            .attr('x', r(gx + j * cell + 1))
            .attr('y', r(by + i * cell + 1))
            .attr('width', r(Math.max(1, cell - 2)))
            .attr('height', r(Math.max(1, cell - 2)))
            .attr('fill', 'none')
            .attr('stroke', 'var(--accent)')
            .attr('stroke-width', cell >= 10 ? 1.5 : 1);
        });
      }
      g.append('rect')
        .attr('class', 'fig-grid-frame')
        .attr('x', r(gx))
        .attr('y', r(by))
        .attr('width', r(gw))
        .attr('height', r(gh))
        .attr('fill', 'none')
        .attr('stroke', 'var(--rule)');
      maxBottom = Math.max(maxBottom, by + gh);
    });

    positions.forEach((p, gi) => {
      const next = positions[gi + 1];
      if (!next) return;
      const label = data.steps[gi];
      const sg = root.append('g').attr('class', 'fig-step');
      if (row) {
        const y = p.y + p.gh / 2;
        drawArrow(sg, opts.id, p.x + p.gw + 6, y, next.x - 6, y);
        if (label) {
          const lines = wrapLabel(label, gap - 8, FONT.tick - 1, 3);
          const t = sg
            .append('text')
            .attr('text-anchor', 'middle')
            .attr('font-size', FONT.tick - 1)
            .attr('fill', 'var(--muted)');
          lines.forEach((ln, li) => {
            t.append('tspan')
              .attr('x', r((p.x + p.gw + next.x) / 2))
              .attr('y', r(y - 10 - (lines.length - 1 - li) * (FONT.tick + 1)))
              .text(li === 0 ? ln : ` ${ln}`);
          });
        }
      } else {
        const x = p.x + p.gw / 2;
        drawArrow(sg, opts.id, x, p.y + p.gh + 6, x, next.y - labelH + 6);
        if (label) {
          sg.append('text')
            .attr('x', r(x + 10))
            .attr('y', r((p.y + p.gh + next.y - labelH) / 2 + 8))
            .attr('font-size', FONT.tick - 1)
            .attr('fill', 'var(--muted)')
            .text(label);
        }
      }
    });

    let height = maxBottom + 10;
    const withKept = data.grids.filter((g) => g.kept);
    if (withKept.length > 0) {
      const keptN = withKept.reduce((a, g) => a + (g.kept?.length ?? 0), 0);
      const totalN = withKept.reduce((a, g) => a + g.h * g.w, 0);
      const lg = root.append('g').attr('class', 'fig-legend').attr('transform', `translate(${r(x0)},${r(maxBottom + 18)})`);
      lg.append('rect').attr('x', 0).attr('y', -6).attr('width', 12).attr('height', 12).attr('fill', 'var(--series-1)').attr('fill-opacity', 0.6).attr('stroke', 'var(--accent)').attr('stroke-width', 1.5);
      const keptText = `kept ${formatInt(keptN)}`;
      lg.append('text').attr('x', 18).attr('dy', '0.32em').attr('font-size', FONT.label).attr('fill', 'var(--fg)').attr('data-key', 'kept-count').attr('data-value', keptN).text(keptText);
      const dx = 18 + textWidth(keptText, FONT.label) + 18;
      lg.append('rect').attr('x', r(dx)).attr('y', -6).attr('width', 12).attr('height', 12).attr('fill', 'var(--bg)').attr('stroke', 'var(--muted)').attr('stroke-dasharray', '3 2');
      lg.append('text')
        .attr('x', r(dx + 18))
        .attr('dy', '0.32em')
        .attr('font-size', FONT.label)
        .attr('fill', 'var(--fg)')
        .attr('data-key', 'dropped-count')
        .attr('data-value', totalN - keptN)
        .text(`dropped ${formatInt(totalN - keptN)}`);
      height = maxBottom + 18 + legendH;
    }
    svg.attr('viewBox', `0 0 ${W} ${Math.ceil(height)}`).attr('data-height', Math.ceil(height));
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
