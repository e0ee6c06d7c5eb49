/**
 * Geometry of the heatmap from the data and the width alone (no DOM): label margins, the cell size,
 * whether column labels rotate, every cell with its shade, and the colour ramp. heatmap.ts draws it.
 */
import { formatValue } from '../primitives/format';
import { FONT, textWidth } from './common';
import type { HeatmapData, HeatmapOpts } from './heatmap';

export interface HeatmapCellLayout {
  i: number;
  j: number;
  value: number;
  x: number;
  y: number;
  colour: string;
  opacity: number;
  /** The formatted value, written in the cell when `showValues`. */
  text: string;
}

export interface HeatmapLayout {
  width: number;
  height: number;
  /** Left and top edges of the grid. */
  left: number;
  top: number;
  cell: number;
  gridW: number;
  gridH: number;
  /** Column labels are rotated by -45° when the widest does not fit a cell. */
  rotate: boolean;
  /** Column label anchors (bottom centre of their column) and row label anchors (right end, row centre). */
  colLabels: Array<{ text: string; x: number; y: number }>;
  rowLabels: Array<{ text: string; x: number; y: number }>;
  colTitle?: { text: string; x: number; y: number };
  rowTitle?: { text: string; x: number; y: number };
  cells: HeatmapCellLayout[];
  /** Font size of the cell values, or 0 when they are not written. */
  valueFont: number;
  showValues: boolean;
  legend: ColourRampLayout;
}

/** The colour legend: a vertical ramp from the domain's top to its bottom, with both ends labelled. */
export interface ColourRampLayout {
  x: number;
  steps: Array<{ y: number; height: number; colour: string; opacity: number }>;
  ends: Array<{ key: 'domain-max' | 'domain-min'; value: number; text: string; x: number; y: number; dy: string }>;
}

const RAMP_STEPS = 10;

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
export function cellColour(v: number, domain: [number, number], diverging: boolean): [string, number] {
  if (diverging) {
    const m = Math.max(Math.abs(domain[0]), Math.abs(domain[1]));
    const t = Math.min(1, Math.abs(v) / m);
    return [v < 0 ? 'var(--series-2)' : 'var(--series-1)', Math.max(0.04, t)];
  }
  const t = (v - domain[0]) / (domain[1] - domain[0]);
  return ['var(--series-1)', Math.max(0.04, Math.min(1, t))];
}

function layoutRamp(x: number, top: number, gridH: number, domain: [number, number], opts: HeatmapOpts): ColourRampLayout {
  const rampH = Math.min(gridH, 160);
  const steps = Array.from({ length: RAMP_STEPS }, (_, k) => {
    const v = domain[1] - ((k + 0.5) / RAMP_STEPS) * (domain[1] - domain[0]);
    const [colour, opacity] = cellColour(v, domain, opts.diverging);
    return { y: top + (k * rampH) / RAMP_STEPS, height: rampH / RAMP_STEPS + 0.5, colour, opacity };
  });
  const ends = [domain[1], domain[0]].map((value, k) => ({
    key: k === 0 ? ('domain-max' as const) : ('domain-min' as const),
    value,
    text: formatValue(opts.format, value),
    x: x + 14,
    y: top + k * rampH,
    dy: k === 0 ? '0.8em' : '-0.2em',
  }));
  return { x, steps, ends };
}

export function layoutHeatmap(data: HeatmapData, opts: HeatmapOpts): HeatmapLayout {
  const W = opts.width;
  const nR = data.rows.length;
  const nC = data.cols.length;
  const domain = heatmapDomain(data, opts);
  // Margins: row labels (at most 30 % of the width) on the left, the colour ramp's labels on the right.
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

  const texts = data.values.map((row) => row.map((v) => formatValue(opts.format, v)));
  const maxText = Math.max(...texts.flat().map((t) => textWidth(t, FONT.value - 1)));
  const valueFont = cell >= 30 && maxText <= cell - 4 ? FONT.value - 1 : 0;
  const cells = data.values.flatMap((row, i) =>
    row.map((value, j): HeatmapCellLayout => {
      const [colour, opacity] = cellColour(value, domain, opts.diverging);
      return { i, j, value, x: left + j * cell, y: top + i * cell, colour, opacity, text: texts[i]?.[j] ?? '' };
    }),
  );
  return {
    width: W,
    height: top + gridH + 12,
    left,
    top,
    cell,
    gridW,
    gridH,
    rotate,
    colLabels: data.cols.map((text, j) => ({ text, x: left + (j + 0.5) * cell, y: top - 6 })),
    rowLabels: data.rows.map((text, i) => ({ text, x: left - 6, y: top + (i + 0.5) * cell })),
    colTitle: opts.colTitle ? { text: opts.colTitle, x: left + gridW / 2, y: FONT.label + 2 } : undefined,
    rowTitle: opts.rowTitle ? { text: opts.rowTitle, x: FONT.label, y: top + gridH / 2 } : undefined,
    cells,
    valueFont,
    showValues: opts.showValues && valueFont > 0,
    legend: layoutRamp(left + gridW + 14, top, gridH, domain, opts),
  };
}
