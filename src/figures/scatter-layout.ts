/**
 * Geometry of the scatter plot from the data, the width and the height alone (no DOM): legend,
 * plot box, both axes, each point's position and which side its label goes. scatter.ts draws it.
 */
import { scaleLinear, scaleLog } from 'd3';
import { formatValue, type FormatSpec } from '../primitives/format';
import { FONT, placeAxisLabel, layoutLegend, logTicks, seriesColor, textWidth, type AxisLayout, type PlotLayout, type Tick } from './common';
import type { ScatterData, ScatterOpts } from './scatter';

type Point = ScatterData['points'][number];

/** Where a point's label sits: its anchor point, vertical shift and text-anchor. */
export interface PointLabelLayout {
  text: string;
  side: Point['labelPosition'];
  x: number;
  y: number;
  /** Vertical shift of the baseline (absent: the baseline is at y). */
  dy?: '0.32em' | '0.8em';
  anchor: 'start' | 'end' | 'middle';
}

export interface ScatterPointLayout {
  point: Point;
  cx: number;
  cy: number;
  radius: number;
  colour: string;
  label?: PointLabelLayout;
}

export interface ScatterLayout extends PlotLayout {
  points: ScatterPointLayout[];
}

/** Distance from a point's centre to its label. */
const LABEL_OFFSET = 8;

function groupsOf(data: ScatterData): string[] {
  const groups: string[] = [];
  for (const p of data.points) if (p.group !== undefined && !groups.includes(p.group)) groups.push(p.group);
  return groups;
}

/** One axis over `range`: whole decades on a log scale, else a nice linear scale padded by 5 %. */
export function scatterAxis(values: number[], log: boolean, range: [number, number], fmt: FormatSpec, count: number): AxisLayout {
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
  return { scale: (v) => s(v), ticks: s.ticks(count).map((v): Tick => ({ value: v, label: formatValue(fmt, v) })) };
}

/** The label on the side the data asks for, flipped left/right when it would leave the viewBox. */
function placeLabel(text: string, wanted: Point['labelPosition'], cx: number, cy: number, width: number): PointLabelLayout {
  const w = textWidth(text, FONT.tick);
  let side = wanted;
  if (side === 'right' && cx + LABEL_OFFSET + w > width) side = 'left';
  if (side === 'left' && cx - LABEL_OFFSET - w < 0) side = 'right';
  if (side === 'right') return { text, side, x: cx + LABEL_OFFSET, y: cy, dy: '0.32em', anchor: 'start' };
  if (side === 'left') return { text, side, x: cx - LABEL_OFFSET, y: cy, dy: '0.32em', anchor: 'end' };
  if (side === 'above') return { text, side, x: cx, y: cy - 9, anchor: 'middle' };
  return { text, side, x: cx, y: cy + 9, dy: '0.8em', anchor: 'middle' };
}

function checkLog(data: ScatterData, opts: ScatterOpts): void {
  data.points.forEach((p, i) => {
    if (opts.logX && p.x <= 0) throw new Error(`scatter "${opts.id}": opts.logX needs data.points[${i}].x > 0`);
    if (opts.logY && p.y <= 0) throw new Error(`scatter "${opts.id}": opts.logY needs data.points[${i}].y > 0`);
  });
}

export function layoutScatter(data: ScatterData, opts: ScatterOpts): ScatterLayout {
  checkLog(data, opts);
  const W = opts.width;
  const H = opts.height;
  const groups = groupsOf(data);
  const legend =
    groups.length >= 2
      ? layoutLegend(
          groups.map((g, i) => ({ key: g, label: g, color: seriesColor(i) })),
          { x: 4, y: 16, maxWidth: W - 8, swatch: 'square' },
        )
      : undefined;
  let top = 8;
  if (legend) top += legend.height + 6;
  if (opts.yLabel) top += FONT.label + 8;
  const plotTop = top + 8;
  const bottom = H - (FONT.tick + 10) - (opts.xLabel ? FONT.label + 10 : 0);
  const y = scatterAxis(data.points.map((p) => p.y), opts.logY, [bottom, plotTop], opts.yFormat, 5);
  const left = Math.ceil(Math.max(...y.ticks.map((t) => textWidth(t.label, FONT.tick)))) + 12;
  // Room on the right for labels of the right-most points.
  const right = W - 12;
  const x = scatterAxis(data.points.map((p) => p.x), opts.logX, [left + 8, right], opts.xFormat, Math.max(3, Math.floor((right - left) / 90)));
  const points = data.points.map((p): ScatterPointLayout => {
    const cx = x.scale(p.x);
    const cy = y.scale(p.y);
    const gi = p.group === undefined ? 0 : groups.indexOf(p.group);
    return {
      point: p,
      cx,
      cy,
      radius: p.highlight ? 6 : 4.5,
      colour: p.highlight ? 'var(--accent)' : seriesColor(gi),
      label: p.label ? placeLabel(p.label, p.labelPosition, cx, cy, W) : undefined,
    };
  });
  return { width: W, height: H, legend, left, right, plotTop, bottom, yLabelY: top - 6, xLabel: placeAxisLabel(opts.xLabel, (left + right) / 2, W), x, y, points };
}
