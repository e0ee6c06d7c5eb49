/**
 * Matrix heatmap with row and column labels: similarity matrices and attention maps. The colour is
 * one series token with fill-opacity proportional to the value (two tokens for a diverging scale
 * around 0), so it follows the theme and print without re-rendering. Cell text switches between
 * --fg and --bg with the opacity, keeping contrast in both themes.
 */
import { z } from 'zod';
import { formatShape, formatAuto, formatSpecSchema, formatValue } from '../primitives/format';
import {
  FONT,
  baseOptsShape,
  createRoot,
  finite,
  haloText,
  r,
  textWidth,
  type G,
} from './common';
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

/** Colour domain: explicit, symmetric for diverging, else [min(0, min), max]. */
export function heatmapDomain(data: HeatmapData, opts: Pick<HeatmapOpts, 'domain' | 'diverging'>): [number, number] {
  if (opts.domain) return opts.domain;
  const flat = data.values.flat();
  const lo = Math.min(...flat);
  const hi = Math.max(...flat);
  if (opts.diverging) {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return [-m, m];
  }
  return [Math.min(0, lo), hi === Math.min(0, lo) ? hi + 1 : hi];
}

/** Maps a value to [colour token, opacity in 0.04..1]. */
function cellColour(v: number, domain: [number, number], diverging: boolean): [string, number] {
  if (diverging) {
    const m = Math.max(Math.abs(domain[0]), Math.abs(domain[1]));
    const t = Math.min(1, Math.abs(v) / m);
    return [v < 0 ? 'var(--series-2)' : 'var(--series-1)', Math.max(0.04, t)];
  }
  const t = (v - domain[0]) / (domain[1] - domain[0]);
  return ['var(--series-1)', Math.max(0.04, Math.min(1, t))];
}

export const heatmap: FigureRenderer<HeatmapData, HeatmapOpts> = {
  id: 'heatmap',
  dataSchema: heatmapDataSchema,
  optsSchema: heatmapOptsSchema,

  render(data, opts, env) {
    const W = opts.width;
    const nR = data.rows.length;
    const nC = data.cols.length;
    const domain = heatmapDomain(data, opts);
    const rowLabelW = Math.min(Math.max(...data.rows.map((l) => textWidth(l, FONT.tick))), W * 0.3) + 8;
    const left = Math.ceil(rowLabelW) + (opts.rowTitle ? FONT.label + 8 : 0);
    const legendW = 30 + Math.max(...domain.map((v) => textWidth(formatValue(opts.format, v), FONT.tick - 1)));
    const cell = Math.min(48, (W - left - legendW - 20) / nC);
    const colLabelW = Math.max(...data.cols.map((l) => textWidth(l, FONT.tick)));
    const rotate = colLabelW > cell - 4;
    const colH = rotate ? Math.min(colLabelW, 120) * 0.72 + 12 : FONT.tick + 8;
    const top = 6 + (opts.colTitle ? FONT.label + 8 : 0) + colH;
    const gridW = cell * nC;
    const gridH = cell * nR;
    const H = top + gridH + 12;

    const svg = createRoot(env, { id: opts.id, width: W, height: H, title: opts.title, description: heatmap.describe(data), kind: 'heatmap' });
    const root = svg.append('g') as unknown as G;
    const texts = data.values.map((row) => row.map((v) => formatValue(opts.format, v)));
    const maxText = Math.max(...texts.flat().map((t) => textWidth(t, FONT.value - 1)));
    const valueFont = cell >= 30 && maxText <= cell - 4 ? FONT.value - 1 : 0;
    const showValues = opts.showValues && valueFont > 0;

    // Column labels (rotated -45° when they do not fit the cell).
    const colG = root.append('g').attr('class', 'fig-col-labels');
    data.cols.forEach((label, j) => {
      const cx = left + (j + 0.5) * cell;
      const t = colG
        .append('text')
        .attr('font-size', FONT.tick)
        .attr('fill', 'var(--fg)')
        .attr('data-key', `col:${j}`)
        .text(label);
      if (rotate) {
        t.attr('transform', `translate(${r(cx)},${r(top - 6)}) rotate(-45)`).attr('text-anchor', 'start');
      } else {
        t.attr('x', r(cx)).attr('y', r(top - 6)).attr('text-anchor', 'middle');
      }
    });
    if (opts.colTitle) {
      root
        .append('text')
        .attr('class', 'fig-axis-label')
        .attr('x', r(left + gridW / 2))
        .attr('y', FONT.label + 2)
        .attr('text-anchor', 'middle')
        .attr('font-size', FONT.label)
        .attr('fill', 'var(--fg)')
        .text(opts.colTitle);
    }
    const rowG = root.append('g').attr('class', 'fig-row-labels');
    data.rows.forEach((label, i) => {
      rowG
        .append('text')
        .attr('x', left - 6)
        .attr('y', r(top + (i + 0.5) * cell))
        .attr('dy', '0.32em')
        .attr('text-anchor', 'end')
        .attr('font-size', FONT.tick)
        .attr('fill', 'var(--fg)')
        .attr('data-key', `row:${i}`)
        .text(label);
    });
    if (opts.rowTitle) {
      root
        .append('text')
        .attr('class', 'fig-axis-label')
        .attr('transform', `translate(${FONT.label},${r(top + gridH / 2)}) rotate(-90)`)
        .attr('text-anchor', 'middle')
        .attr('font-size', FONT.label)
        .attr('fill', 'var(--fg)')
        .text(opts.rowTitle);
    }

    const marks = root.append('g').attr('class', 'fig-marks');
    marks
      .append('rect')
      .attr('class', 'fig-heatmap-frame')
      .attr('x', left)
      .attr('y', r(top))
      .attr('width', r(gridW))
      .attr('height', r(gridH))
      .attr('fill', 'var(--bg)')
      .attr('stroke', 'var(--rule)');
    data.values.forEach((row, i) => {
      row.forEach((v, j) => {
        const [colour, opacity] = cellColour(v, domain, opts.diverging);
        const key = `${i},${j}`;
        const x = left + j * cell;
        const y = top + i * cell;
        marks
          .append('rect')
          .attr('class', 'fig-cell')
          .attr('x', r(x))
          .attr('y', r(y))
          .attr('width', r(cell))
          .attr('height', r(cell))
          .attr('fill', colour)
          .attr('fill-opacity', r(opacity))
          .attr('data-key', key)
          .attr('data-value', v);
        if (showValues) {
          const text = marks
            .append('text')
            .attr('class', 'fig-cell-value')
            .attr('x', r(x + cell / 2))
            .attr('y', r(y + cell / 2))
            .attr('dy', '0.32em')
            .attr('text-anchor', 'middle')
            .attr('font-size', valueFont)
            .attr('data-key', key)
            .attr('data-value', v)
            .text(texts[i]?.[j] ?? '');
          haloText(text);
        }
      });
    });

    // Colour legend: a vertical ramp with the domain ends.
    const lx = left + gridW + 14;
    const legend = root.append('g').attr('class', 'fig-colour-legend');
    const steps = 10;
    const rampH = Math.min(gridH, 160);
    for (let k = 0; k < steps; k += 1) {
      const v = domain[1] - ((k + 0.5) / steps) * (domain[1] - domain[0]);
      const [colour, opacity] = cellColour(v, domain, opts.diverging);
      legend
        .append('rect')
        .attr('x', r(lx))
        .attr('y', r(top + (k * rampH) / steps))
        .attr('width', 10)
        .attr('height', r(rampH / steps + 0.5))
        .attr('fill', colour)
        .attr('fill-opacity', r(opacity));
    }
    [domain[1], domain[0]].forEach((v, k) => {
      legend
        .append('text')
        .attr('x', r(lx + 14))
        .attr('y', r(top + k * rampH))
        .attr('dy', k === 0 ? '0.8em' : '-0.2em')
        .attr('font-size', FONT.tick - 1)
        .attr('fill', 'var(--muted)')
        .attr('data-key', k === 0 ? 'domain-max' : 'domain-min')
        .attr('data-value', v)
        .text(formatValue(opts.format, v));
    });
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
