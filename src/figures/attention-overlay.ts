/**
 * Where each learned query looks: one small panel per query, the image itself (the data set's own
 * PNG, same-origin) under an h × w grid whose cells are shaded by the query's attention weight on
 * that token. A map may carry one extra share that is not on the grid (a Perceiver Resampler's
 * latents attend to themselves too: keys = media ++ latents), written under its panel, so the
 * cells plus the extra sum to 1 per query. Every cell carries data-value (the raw weight) and
 * data-key; the shading is normalised per panel (the largest weight fully shaded), the legend says so.
 */
import { z } from 'zod';
import { formatInt, formatShape, formatValue } from '../primitives/format';
import { FONT, baseOptsShape, createRoot, finite, r, type G } from './common';
import type { FigureRenderer } from './types';

const mapSchema = z
  .object({
    key: z.string().min(1),
    label: z.string().min(1),
    /** Row-major weights over the h × w grid. */
    values: z.array(finite().min(0)),
    /** Weight outside the grid (e.g. on the latents), with its label. */
    extra: z.object({ label: z.string().min(1), value: finite().min(0) }).strict().optional(),
  })
  .strict();

export const attentionOverlayDataSchema = z
  .object({
    /** Same-origin path of the image the tokens come from (a committed PNG). */
    image: z.object({ href: z.string().regex(/^\/[^/]/, 'must be a same-origin absolute path ("/data/…")'), alt: z.string().min(1) }).strict(),
    h: z.number().int().min(1).max(32),
    w: z.number().int().min(1).max(32),
    maps: z.array(mapSchema).min(1).max(32),
  })
  .strict()
  .superRefine((d, ctx) => {
    d.maps.forEach((m, i) => {
      if (m.values.length !== d.h * d.w) ctx.addIssue({ code: 'custom', path: ['maps', i, 'values'], message: `has ${m.values.length} values, expected h·w = ${d.h * d.w}` });
    });
  });
export type AttentionOverlayData = z.infer<typeof attentionOverlayDataSchema>;

export const attentionOverlayOptsSchema = z
  .object({
    ...baseOptsShape,
    title: z.string().default('Attention of each query over the image'),
    /** Panels per row. */
    columns: z.number().int().min(1).max(8).default(4),
    format: z.object({ kind: z.literal('percent'), digits: z.number().int().min(0).max(3) }).strict().default({ kind: 'percent', digits: 0 }),
  })
  .strict();
export type AttentionOverlayOpts = z.infer<typeof attentionOverlayOptsSchema>;

const GAP = 12;
const LABEL_H = 18;
const EXTRA_H = 16;
const LEGEND_H = 22;

/** Panels at least this wide, so a label and the extra share fit under each. */
const MIN_PANEL = 110;

export interface AttentionOverlayLayout {
  width: number;
  height: number;
  size: number;
  panels: { x: number; y: number }[];
  labelH: number;
  extraH: number;
  legendY: number;
  legendText: string;
}

export function layoutAttentionOverlay(data: AttentionOverlayData, opts: AttentionOverlayOpts): AttentionOverlayLayout {
  const fit = Math.max(1, Math.floor((opts.width + GAP) / (MIN_PANEL + GAP)));
  const columns = Math.min(opts.columns, data.maps.length, fit);
  const rows = Math.ceil(data.maps.length / columns);
  const size = (opts.width - GAP * (columns - 1)) / columns;
  const extraH = data.maps.some((m) => m.extra) ? EXTRA_H : 0;
  const panelH = LABEL_H + size + extraH;
  const height = rows * panelH + (rows - 1) * GAP + LEGEND_H;
  const panels = data.maps.map((_, i) => ({ x: (i % columns) * (size + GAP), y: Math.floor(i / columns) * (panelH + GAP) }));
  return { width: opts.width, height, size, panels, labelH: LABEL_H, extraH, legendY: height - 6, legendText: `Darkest: each panel's top weight (${formatShape([data.h, data.w])})` };
}

function drawPanel(root: G, data: AttentionOverlayData, opts: AttentionOverlayOpts, i: number, x: number, y: number, size: number): void {
  const m = data.maps[i] as AttentionOverlayData['maps'][number];
  const g = root.append('g').attr('class', 'fig-attention-panel').attr('data-key', m.key).attr('transform', `translate(${r(x)},${r(y)})`);
  g.append('text').attr('x', r(size / 2)).attr('y', 13).attr('text-anchor', 'middle').attr('font-size', FONT.tick).attr('font-weight', 600).attr('fill', 'var(--fg)').text(m.label);
  const top = LABEL_H;
  g.append('image').attr('href', data.image.href).attr('x', 0).attr('y', top).attr('width', r(size)).attr('height', r(size)).attr('preserveAspectRatio', 'none').attr('aria-hidden', 'true');
  const max = Math.max(...m.values, Number.MIN_VALUE);
  const cw = size / data.w;
  const ch = size / data.h;
  const cells = g.append('g').attr('class', 'fig-attention-cells').attr('fill', 'var(--accent)').attr('stroke', 'var(--bg)').attr('stroke-width', 0.5);
  m.values.forEach((v, idx) => {
    cells
      .append('rect')
      .attr('x', r((idx % data.w) * cw))
      .attr('y', r(top + Math.floor(idx / data.w) * ch))
      .attr('width', r(cw))
      .attr('height', r(ch))
      // Shaded up to 0.85 so the picture stays visible under the strongest cell.
      .attr('fill-opacity', r((0.85 * v) / max))
      .attr('data-key', `${m.key}.${idx}`)
      .attr('data-value', v)
      .append('title')
      .text(`${m.label}, token ${formatInt(idx + 1)}: ${formatValue(opts.format, v)}`);
  });
  g.append('rect').attr('x', 0).attr('y', top).attr('width', r(size)).attr('height', r(size)).attr('fill', 'none').attr('stroke', 'var(--rule)');
  if (m.extra) {
    g.append('text')
      .attr('class', 'fig-attention-extra')
      .attr('x', r(size / 2))
      .attr('y', r(top + size + 13))
      .attr('text-anchor', 'middle')
      .attr('font-size', FONT.tick - 1)
      .attr('fill', 'var(--muted)')
      .attr('data-key', `${m.key}.extra`)
      .attr('data-value', m.extra.value)
      .text(`${m.extra.label} ${formatValue(opts.format, m.extra.value)}`);
  }
}

export const attentionOverlay: FigureRenderer<AttentionOverlayData, AttentionOverlayOpts> = {
  id: 'attention-overlay',
  dataSchema: attentionOverlayDataSchema,
  optsSchema: attentionOverlayOptsSchema,

  render(data, opts, env) {
    const l = layoutAttentionOverlay(data, opts);
    const svg = createRoot(env, { id: opts.id, width: l.width, height: l.height, title: opts.title, description: attentionOverlay.describe(data), kind: 'attention-overlay' });
    const root = svg.append('g') as unknown as G;
    l.panels.forEach((p, i) => drawPanel(root, data, opts, i, p.x, p.y, l.size));
    root.append('text').attr('class', 'fig-legend').attr('x', 0).attr('y', r(l.legendY)).attr('font-size', FONT.tick - 1).attr('fill', 'var(--muted)').text(l.legendText);
    return svg.node() as SVGSVGElement;
  },

  toRows(data) {
    return data.maps.flatMap((m) => [
      ...m.values.map((v, idx) => ({ map: m.key, i: Math.floor(idx / data.w), j: idx % data.w, weight: v })),
      ...(m.extra ? [{ map: m.key, i: -1, j: -1, weight: m.extra.value }] : []),
    ]);
  },

  describe(data) {
    const peaks = data.maps.map((m) => {
      const best = m.values.indexOf(Math.max(...m.values));
      return `${m.label} peaks at row ${formatInt(Math.floor(best / data.w) + 1)}, column ${formatInt((best % data.w) + 1)}`;
    });
    return `Attention of ${formatInt(data.maps.length)} queries over a ${formatShape([data.h, data.w])} token grid drawn over the image (${data.image.alt}): ${peaks.join('; ')}.`;
  },

  /** Phones: two panels per row, so each stays large enough to see the picture under the grid. */
  narrowOpts(opts) {
    return { ...opts, width: 360, columns: Math.min(opts.columns, 2) };
  },
};
