/**
 * Shared pieces for renderers: the SVG root, number formatting specs, axes, legends, colours and
 * zod helpers. Everything here is pure and takes the document it draws into.
 */
import { select, type Selection } from 'd3';
import { z } from 'zod';
import { formatValue, type FormatSpec } from '../primitives/format';
import type { RenderEnv } from './types';


export const SVG_NS = 'http://www.w3.org/2000/svg';

// d3 selections over the given document's elements. `unknown` data: renderers bind data by hand.
export type G = Selection<SVGGElement, unknown, null, undefined>;
export type Svg = Selection<SVGSVGElement, unknown, null, undefined>;

/** Font sizes in viewBox units; the viewBox widths are chosen so these stay ≥ 11 px on screen. */
export const FONT = { tick: 12, label: 13, title: 14, value: 12 } as const;

/** The id fragment rule: letters, digits, '-' and '_', starting with a letter (valid HTML id). */
export const idSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'must start with a letter and use only letters, digits, "-" and "_"');

/** Base options: every renderer's opts schema extends this. */
export const baseOptsShape = {
  id: idSchema,
  width: z.number().int().min(280).max(1600).default(640),
};

/** A finite number (zod's number() accepts Infinity). */
export const finite = (): z.ZodNumber => z.number().finite();

/** Formats zod issues as "where: message; …", paths written like data.rows[2].value. */
export function describeZodError(root: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : `${acc}.${part}`),
        root,
      );
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

/** The i-th categorical colour (cycles through the 8 series tokens). */
export function seriesColor(i: number): string {
  return `var(--series-${(((i % 8) + 8) % 8) + 1})`;
}

/**
 * Approximate rendered width of a label in the UI font. The server has no text metrics, so layout
 * uses this estimate (average glyph ≈ 0.56 em, digits and narrow glyphs less); it errs wide.
 */
export function textWidth(text: string, fontSize: number): number {
  let units = 0;
  for (const ch of text) {
    if ('il.,:;|!\'’ '.includes(ch)) units += 0.3;
    else if ('MWmw×—'.includes(ch)) units += 0.85;
    else if (ch >= 'A' && ch <= 'Z') units += 0.66;
    else units += 0.56;
  }
  return units * fontSize;
}

/** Splits a label into at most `maxLines` lines that fit `maxWidth` (the last line may overflow). */
export function wrapLabel(text: string, maxWidth: number, fontSize: number, maxLines = 2): string[] {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    const candidate = current ? `${current} ${word}` : word;
    if (current && textWidth(candidate, fontSize) > maxWidth && lines.length < maxLines - 1) {
      lines.push(current);
      current = word;
    } else {
      current = candidate;
    }
  }
  if (current) lines.push(current);
  return lines;
}

/**
 * The wrap with the fewest lines, from `minLines` up to `maxLines`, whose lines all fit `maxWidth`
 * (wrapLabel puts whatever does not fit on its last line); the `maxLines` wrap when none fits.
 * Equal to wrapLabel(text, maxWidth, fontSize, minLines) whenever that one fits.
 */
export function wrapToFit(text: string, maxWidth: number, fontSize: number, minLines: number, maxLines: number): string[] {
  for (let n = minLines; n < maxLines; n += 1) {
    const lines = wrapLabel(text, maxWidth, fontSize, n);
    if (lines.every((l) => textWidth(l, fontSize) <= maxWidth)) return lines;
  }
  return wrapLabel(text, maxWidth, fontSize, maxLines);
}

/** An x-axis label's centre and font size. */
export interface AxisLabelPlace {
  x: number;
  size: number;
}

/**
 * Where to centre an x-axis label of `text`, and its size: at `centre` in the label font, moved just
 * enough to stay inside [0, width]; shrunk (to at least 10) when it is wider than width less 8.
 */
export function placeAxisLabel(text: string | undefined, centre: number, width: number): AxisLabelPlace {
  if (text === undefined) return { x: centre, size: FONT.label };
  const full = textWidth(text, FONT.label);
  const size = full > width - 8 ? Math.max(10, Math.floor((FONT.label * (width - 8)) / full)) : FONT.label;
  const half = (full * size) / FONT.label / 2;
  if (half * 2 >= width) return { x: width / 2, size };
  return { x: Math.min(Math.max(centre, half), width - half), size };
}

/** Creates the root <svg> with viewBox, role, title and description. */
export function createRoot(
  env: RenderEnv,
  o: { id: string; width: number; height: number; title: string; description: string; kind: string },
): Svg {
  const svgEl = env.document.createElementNS(SVG_NS, 'svg') as unknown as SVGSVGElement;
  const svg = select(svgEl);
  const w = Math.round(o.width);
  const h = Math.round(o.height);
  svg
    .attr('id', `${o.id}-svg`)
    .attr('class', `fig-svg fig-${o.kind}`)
    .attr('viewBox', `0 0 ${w} ${h}`)
    .attr('width', '100%')
    .attr('preserveAspectRatio', 'xMidYMid meet')
    .attr('role', 'img')
    .attr('aria-labelledby', `${o.id}-title`)
    .attr('aria-describedby', `${o.id}-desc`)
    .attr('data-width', w)
    .attr('data-height', h)
    .attr('font-family', 'var(--font-ui, system-ui, sans-serif)');
  svg.append('title').attr('id', `${o.id}-title`).text(o.title);
  svg.append('desc').attr('id', `${o.id}-desc`).text(o.description);
  return svg;
}

/**
 * Adds the arrowhead marker `${id}-arrowhead` (for marker-end) to the root's <defs>. `orient` is
 * 'auto-start-reverse' when arrows may also carry it at their start.
 */
export function appendArrowhead(svg: Svg, id: string, orient: 'auto' | 'auto-start-reverse'): void {
  svg
    .append('defs')
    .append('marker')
    .attr('id', `${id}-arrowhead`)
    .attr('viewBox', '0 0 10 10')
    .attr('refX', 9)
    .attr('refY', 5)
    .attr('markerWidth', 7)
    .attr('markerHeight', 7)
    .attr('orient', orient)
    .append('path')
    .attr('d', 'M0,0L10,5L0,10z')
    .attr('fill', 'var(--muted)');
}

/** Rounds coordinates so the SVG text is short and stable across platforms. */
export function r(v: number): number {
  return Math.round(v * 100) / 100;
}

export interface Tick {
  value: number;
  label: string;
}

/** One laid-out axis: its ticks and the scale from data to viewBox units. */
export interface AxisLayout {
  ticks: Tick[];
  scale: (v: number) => number;
}

/** Log-scale ticks: powers of ten inside the domain (or 1-2-5 steps when the domain spans < 1 decade). */
export function logTicks(min: number, max: number, fmt: FormatSpec): Tick[] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const ticks: Tick[] = [];
  for (let e = lo; e <= hi; e += 1) {
    const v = 10 ** e;
    if (v >= min * 0.999 && v <= max * 1.001) ticks.push({ value: v, label: formatValue(fmt, v) });
  }
  if (ticks.length >= 2) return ticks;
  const out: Tick[] = [];
  for (let e = lo; e <= hi; e += 1) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= min * 0.999 && v <= max * 1.001) out.push({ value: v, label: formatValue(fmt, v) });
    }
  }
  return out;
}

/** Draws a horizontal axis (ticks, labels, grid lines up to `gridTop`) at y = `y`. */
export function drawXAxis(
  g: G,
  ticks: Tick[],
  x: (v: number) => number,
  o: { y: number; gridTop: number; label?: string; labelX?: number; labelSize?: number },
): void {
  const axis = g.append('g').attr('class', 'fig-axis fig-axis-x');
  for (const t of ticks) {
    const px = r(x(t.value));
    axis
      .append('line')
      .attr('class', 'fig-grid')
      .attr('x1', px)
      .attr('x2', px)
      .attr('y1', o.gridTop)
      .attr('y2', o.y)
      .attr('stroke', 'var(--grid)');
    axis
      .append('text')
      .attr('x', px)
      .attr('y', o.y + FONT.tick + 4)
      .attr('text-anchor', 'middle')
      .attr('font-size', FONT.tick)
      .attr('fill', 'var(--muted)')
      .attr('data-value', t.value)
      .attr('data-key', 'x-tick')
      .text(t.label);
  }
  axis
    .append('line')
    .attr('class', 'fig-axis-line')
    .attr('x1', r(x(ticks[0]?.value ?? 0)))
    .attr('x2', r(x(ticks[ticks.length - 1]?.value ?? 0)))
    .attr('y1', o.y)
    .attr('y2', o.y)
    .attr('stroke', 'var(--rule)');
  if (o.label) {
    axis
      .append('text')
      .attr('class', 'fig-axis-label')
      .attr('x', r(o.labelX ?? 0))
      .attr('y', o.y + FONT.tick + 4 + FONT.label + 6)
      .attr('text-anchor', 'middle')
      .attr('font-size', o.labelSize ?? FONT.label)
      .attr('fill', 'var(--fg)')
      .text(o.label);
  }
}

/** Draws a vertical axis on the left at x = `x0`, grid lines across to `gridRight`. */
export function drawYAxis(
  g: G,
  ticks: Tick[],
  y: (v: number) => number,
  o: { x0: number; gridRight: number; label?: string; labelY: number },
): void {
  const axis = g.append('g').attr('class', 'fig-axis fig-axis-y');
  for (const t of ticks) {
    const py = r(y(t.value));
    axis
      .append('line')
      .attr('class', 'fig-grid')
      .attr('x1', o.x0)
      .attr('x2', o.gridRight)
      .attr('y1', py)
      .attr('y2', py)
      .attr('stroke', 'var(--grid)');
    axis
      .append('text')
      .attr('x', o.x0 - 6)
      .attr('y', py)
      .attr('dy', '0.32em')
      .attr('text-anchor', 'end')
      .attr('font-size', FONT.tick)
      .attr('fill', 'var(--muted)')
      .attr('data-value', t.value)
      .attr('data-key', 'y-tick')
      .text(t.label);
  }
  if (o.label) {
    axis
      .append('text')
      .attr('class', 'fig-axis-label')
      .attr('x', 0)
      .attr('y', o.labelY)
      .attr('text-anchor', 'start')
      .attr('font-size', FONT.label)
      .attr('fill', 'var(--fg)')
      .text(o.label);
  }
}

export interface LegendItem {
  key: string;
  label: string;
  color: string;
  dashed?: boolean;
}

/** A legend placed by layoutLegend: the group's origin, and each item's offset inside it. */
export interface LegendLayout {
  x: number;
  y: number;
  swatch: 'line' | 'square';
  items: Array<LegendItem & { dx: number; dy: number; width: number }>;
  /** Total height of the rows (0 for no items). */
  height: number;
}

/** Height of one legend row. */
export const LEGEND_ROW = FONT.label + 8;

/**
 * Lays a legend out left to right, wrapping into rows within `maxWidth`. Pure geometry: each item
 * is a 22-unit swatch column plus its label plus 16 units of space. Swatches are short lines (for
 * line charts) or squares.
 */
export function layoutLegend(
  items: LegendItem[],
  o: { x: number; y: number; maxWidth: number; swatch: 'line' | 'square' },
): LegendLayout {
  let cx = 0;
  let row = 0;
  const placed = items.map((item) => {
    const width = 22 + textWidth(item.label, FONT.label) + 16;
    if (cx > 0 && cx + width > o.maxWidth) {
      cx = 0;
      row += 1;
    }
    const at = { ...item, dx: cx, dy: row * LEGEND_ROW, width };
    cx += width;
    return at;
  });
  return { x: o.x, y: o.y, swatch: o.swatch, items: placed, height: items.length === 0 ? 0 : (row + 1) * LEGEND_ROW };
}

/** Draws a legend placed by layoutLegend. */
export function drawLegend(g: G, legend: LegendLayout): void {
  const group = g.append('g').attr('class', 'fig-legend').attr('transform', `translate(${r(legend.x)},${r(legend.y)})`);
  for (const item of legend.items) {
    const it = group
      .append('g')
      .attr('class', 'fig-legend-item')
      .attr('data-key', item.key)
      .attr('transform', `translate(${r(item.dx)},${item.dy})`);
    if (legend.swatch === 'line') {
      const line = it
        .append('line')
        .attr('x1', 0)
        .attr('x2', 16)
        .attr('y1', 0)
        .attr('y2', 0)
        .attr('stroke', item.color)
        .attr('stroke-width', 2.5);
      if (item.dashed) line.attr('stroke-dasharray', '5 3');
    } else {
      it.append('rect').attr('x', 0).attr('y', -6).attr('width', 12).attr('height', 12).attr('rx', 2).attr('fill', item.color);
    }
    it.append('text')
      .attr('x', 22)
      .attr('y', 0)
      .attr('dy', '0.32em')
      .attr('font-size', FONT.label)
      .attr('fill', 'var(--fg)')
      .text(item.label);
  }
}

/**
 * The frame of an x–y chart (line, scatter): the legend above, the plot box from `left` to `right`
 * and from `plotTop` to `bottom`, both axes, and where the axis labels go.
 */
export interface PlotLayout {
  width: number;
  height: number;
  legend?: LegendLayout;
  left: number;
  right: number;
  plotTop: number;
  bottom: number;
  /** Baseline of the y-axis label (above the plot). */
  yLabelY: number;
  xLabel: AxisLabelPlace;
  x: AxisLayout;
  y: AxisLayout;
}

/** Draws a plot's legend and both axes (grid lines first, so the marks drawn next sit on top). */
export function drawPlotFrame(root: G, layout: PlotLayout, labels: { xLabel?: string; yLabel?: string }): void {
  if (layout.legend) drawLegend(root, layout.legend);
  const { left, right } = layout;
  drawYAxis(root, layout.y.ticks, layout.y.scale, { x0: left, gridRight: right, label: labels.yLabel, labelY: layout.yLabelY });
  drawXAxis(root, layout.x.ticks, layout.x.scale, { y: layout.bottom, gridTop: layout.plotTop, label: labels.xLabel, labelX: layout.xLabel.x, labelSize: layout.xLabel.size });
}

/** A value written in the middle of a cell at (x, y) of side `cell`, over its shade (see haloText). */
export function drawCellValue(g: G, c: { x: number; y: number; cell: number; size: number; key: string; value: number; text: string; fill?: string }): void {
  const text = g
    .append('text')
    .attr('class', 'fig-cell-value')
    .attr('x', r(c.x + c.cell / 2))
    .attr('y', r(c.y + c.cell / 2))
    .attr('dy', '0.32em')
    .attr('text-anchor', 'middle')
    .attr('font-size', c.size)
    .attr('data-key', c.key)
    .attr('data-value', c.value)
    .text(c.text);
  haloText(text, c.fill);
}

/**
 * Text drawn over a shaded cell: --fg with a --bg halo (stroke painted under the fill), so its
 * contrast is that of --fg on --bg in every theme whatever the shade beneath. A light/dark text
 * switch cannot work here: the shade's colour is only known to CSS, and mid shades fail both ways.
 */
export function haloText<T extends SVGTextElement>(t: import('d3').Selection<T, unknown, null, undefined>, fill = 'var(--fg)'): void {
  t.attr('fill', fill)
    .attr('stroke', 'var(--bg)')
    .attr('stroke-width', 3)
    .attr('stroke-linejoin', 'round')
    .attr('paint-order', 'stroke');
}
