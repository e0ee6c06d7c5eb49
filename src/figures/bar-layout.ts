/**
 * Geometry of the bar chart, computed from the data and the width alone (no DOM): label column,
 * value column, value axis, one band per row and the legend. bar.ts draws it.
 */
import { scaleLinear, scaleLog } from 'd3';
import { formatValue } from '../primitives/format';
import { FONT, placeAxisLabel, layoutLegend, logTicks, seriesColor, textWidth, wrapToFit, type AxisLabelPlace, type LegendLayout, type Tick } from './common';
import type { BarData, BarOpts } from './bar';

type Row = BarData['rows'][number];

/** Line height of a wrapped row label. */
export const BAR_LABEL_LINE = FONT.label + 3;

export interface BarRowLayout {
  row: Row;
  colour: string;
  /** Row label: right-aligned at `labelX`, first line's centre at `labelY`, later lines BAR_LABEL_LINE apart. */
  lines: string[];
  labelX: number;
  labelY: number;
  bar: { x: number; y: number; width: number; height: number };
  /** Value label: starts at `valueX`, centred on `valueY`. */
  valueText: string;
  valueX: number;
  valueY: number;
}

export interface BarLayout {
  width: number;
  /** viewBox height (already rounded up). */
  height: number;
  /** Left and right ends of the value axis. */
  left: number;
  right: number;
  /** Top of the first row (below the legend). */
  top: number;
  legend?: LegendLayout;
  rows: BarRowLayout[];
  axis: { ticks: Tick[]; x: (v: number) => number; y: number; gridTop: number; label: AxisLabelPlace };
}

/** Rows in the order opts.sort asks for (ties by key, so the order is stable). */
export function sortedRows(data: BarData, sort: BarOpts['sort']): Row[] {
  if (sort === 'none') return data.rows;
  const rows = [...data.rows];
  rows.sort((a, b) => (sort === 'asc' ? a.value - b.value : b.value - a.value) || a.key.localeCompare(b.key));
  return rows;
}

/** Group names in order of first appearance. */
export function groupsOf(rows: readonly Row[]): string[] {
  const groups: string[] = [];
  for (const row of rows) if (row.group !== undefined && !groups.includes(row.group)) groups.push(row.group);
  return groups;
}

/** The value axis: a log scale from the decade below the smallest value, or a nice linear one through 0. */
function valueAxis(rows: readonly Row[], opts: BarOpts, range: [number, number]): { x: (v: number) => number; ticks: Tick[]; base: number } {
  const tickFormat = opts.tickFormat ?? { ...opts.format, digits: 0 };
  const maxV = Math.max(...rows.map((row) => row.value));
  const minV = Math.min(...rows.map((row) => row.value));
  if (opts.log) {
    const lo = 10 ** Math.floor(Math.log10(minV));
    const hi = 10 ** Math.ceil(Math.log10(maxV));
    const scale = scaleLog().domain([lo, hi]).range(range);
    return { x: (v) => scale(v), ticks: logTicks(lo, hi, tickFormat), base: lo };
  }
  const scale = scaleLinear().domain([Math.min(0, minV), Math.max(0, maxV)]).nice(5).range(range);
  // About five ticks, fewer when their labels would touch on a narrow axis.
  for (let count = 5; count > 2; count -= 1) {
    const ticks = scale.ticks(count).map((v) => ({ value: v, label: formatValue(tickFormat, v) }));
    if (ticksApart(ticks, (v) => scale(v))) return { x: (v) => scale(v), ticks, base: 0 };
  }
  return { x: (v) => scale(v), ticks: scale.ticks(2).map((v) => ({ value: v, label: formatValue(tickFormat, v) })), base: 0 };
}

/** Whether neighbouring tick labels (centred on their ticks) leave at least 6 units between them. */
function ticksApart(ticks: Tick[], x: (v: number) => number): boolean {
  return ticks.every((t, i) => {
    const prev = ticks[i - 1];
    if (!prev) return true;
    return x(t.value) - x(prev.value) >= (textWidth(prev.label, FONT.tick) + textWidth(t.label, FONT.tick)) / 2 + 6;
  });
}

/** The group legend (≥ 2 groups), aligned with the bars when it fits on one line there. */
function groupLegend(groups: string[], width: number, left: number, top: number): LegendLayout | undefined {
  if (groups.length < 2) return undefined;
  const legendW = groups.reduce((a, gname) => a + 22 + textWidth(gname, FONT.label) + 16, 0);
  const lx = legendW <= width - left ? left : 4;
  return layoutLegend(
    groups.map((gname, i) => ({ key: gname, label: gname, color: seriesColor(i) })),
    { x: lx, y: top + 8, maxWidth: width - lx, swatch: 'square' },
  );
}

/** Stacks the rows from `top`: each as tall as its wrapped label, the bar and value centred in it. */
function placeRows(
  rows: readonly Row[],
  o: { labelLines: string[][]; valueTexts: string[]; groups: string[]; left: number; top: number; axis: { x: (v: number) => number; base: number } },
): { rows: BarRowLayout[]; bottom: number } {
  let y = o.top;
  const placed = rows.map((row, i): BarRowLayout => {
    const lines = o.labelLines[i] ?? [row.label];
    const h = Math.max(26, lines.length * BAR_LABEL_LINE + 10);
    const barH = Math.min(18, h - 8);
    const cy = y + h / 2;
    const x0 = o.axis.x(o.axis.base);
    const x1 = o.axis.x(row.value);
    const groupIndex = row.group === undefined ? 0 : o.groups.indexOf(row.group);
    y += h;
    return {
      row,
      colour: row.highlight ? 'var(--accent)' : seriesColor(groupIndex),
      lines,
      labelX: o.left - 8,
      labelY: cy - ((lines.length - 1) * BAR_LABEL_LINE) / 2,
      bar: { x: Math.min(x0, x1), y: cy - barH / 2, width: Math.max(1, Math.abs(x1 - x0)), height: barH },
      valueText: o.valueTexts[i] ?? '',
      valueX: Math.max(x0, x1) + 5,
      valueY: cy,
    };
  });
  return { rows: placed, bottom: y };
}

export function layoutBar(data: BarData, opts: BarOpts): BarLayout {
  if (opts.log) {
    const bad = data.rows.findIndex((row) => row.value <= 0);
    if (bad >= 0) throw new Error(`bar "${opts.id}": opts.log needs data.rows[${bad}].value > 0 (got ${String(data.rows[bad]?.value)})`);
  }
  const rows = sortedRows(data, opts.sort);
  const W = opts.width;
  const groups = groupsOf(rows);

  // Left column: labels, wrapped to two lines (three when two do not fit), at most 40 % of the width.
  const labelCol = Math.min(Math.max(...rows.map((row) => textWidth(row.label, FONT.label))), W * 0.4);
  const labelLines = rows.map((row) => wrapToFit(row.label, labelCol, FONT.label, 2, 3));
  const valueTexts = rows.map((row) => formatValue(opts.format, row.value));
  const valueCol = Math.max(...valueTexts.map((t) => textWidth(t, FONT.value))) + 10;
  const left = Math.ceil(labelCol) + 12;
  const right = W - Math.ceil(valueCol) - 8;
  const axis = valueAxis(rows, opts, [left, right]);

  const legend = groupLegend(groups, W, left, 8);
  const top = legend ? 8 + legend.height + 8 : 8;
  const placed = placeRows(rows, { labelLines, valueTexts, groups, left, top, axis });
  const y = placed.bottom;
  const height = y + 4 + FONT.tick + 10 + (opts.xLabel ? FONT.label + 8 : 0);
  return {
    width: W,
    height: Math.ceil(height),
    left,
    right,
    top,
    legend,
    rows: placed.rows,
    axis: { ticks: axis.ticks, x: axis.x, y: y + 4, gridTop: top, label: placeAxisLabel(opts.xLabel, (left + right) / 2, W) },
  };
}
