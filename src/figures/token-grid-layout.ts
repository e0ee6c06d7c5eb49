/**
 * Geometry of the token grids from the data and the width alone (no DOM): one square box per grid,
 * side by side (wide, `row`) or stacked (narrow, `column`), every cell with its shade and state,
 * the arrows between grids with their labels, and the kept/dropped legend. token-grid.ts draws it.
 */
import { formatInt, formatShape, formatValue } from '../primitives/format';
import { FONT, textWidth, wrapLabel } from './common';
import type { TokenGridData, TokenGridOpts } from './token-grid';

type Grid = TokenGridData['grids'][number];
export type CellState = 'none' | 'kept' | 'dropped';

export interface GridCellLayout {
  i: number;
  j: number;
  value: number;
  x: number;
  y: number;
  state: CellState;
  /** Fill opacity of a cell that is not dropped. */
  opacity: number;
  text: string;
}

export interface GridBlockLayout {
  grid: Grid;
  cell: number;
  /** The grid's top-left corner and size (centred horizontally in its box). */
  x: number;
  y: number;
  w: number;
  h: number;
  /** The caption, centred above the box, in bold at `size` (smaller when it would be wider than the box). */
  caption: { text: string; x: number; y: number; size: number };
  /** Whether the cell values are written in the cells. */
  showValues: boolean;
  cells: GridCellLayout[];
  /** Accent outlines of the kept cells, drawn on top. */
  outlines: Array<{ x: number; y: number; size: number }>;
}

/** The arrow from one grid to the next, with its label lines (wrapped and centred in `row`, one line beside it in `column`). */
export interface GridStepLayout {
  arrow: { x1: number; y1: number; x2: number; y2: number };
  /** Whether the data gives this step a label. */
  labelled: boolean;
  wrapped: boolean;
  lines: Array<{ text: string; x: number; y: number }>;
}

export interface GridLegendLayout {
  x: number;
  y: number;
  kept: number;
  dropped: number;
  keptText: string;
  droppedText: string;
  /** Offset of the "dropped" swatch from the legend's origin. */
  droppedX: number;
}

export interface TokenGridLayout {
  width: number;
  /** viewBox height (already rounded up). */
  height: number;
  blocks: GridBlockLayout[];
  steps: GridStepLayout[];
  legend?: GridLegendLayout;
}

/** Space above each box for its caption. */
const LABEL_H = FONT.label + 22;
/** Height of the kept/dropped legend row. */
const LEGEND_H = FONT.label + 16;

interface Frame {
  row: boolean;
  box: number;
  gap: number;
  x0: number;
}

/** Box size, gap and left edge: every grid gets the same square box, at most 320 units. */
function frameOf(data: TokenGridData, opts: TokenGridOpts): Frame {
  const W = opts.width;
  const k = data.grids.length;
  const stepW = Math.max(0, ...data.steps.map((t) => textWidth(t, FONT.tick - 1)));
  const gap = k > 1 ? Math.min(Math.max(56, stepW / 2 + 20), W * 0.2) : 0;
  const row = opts.layout === 'row';
  const box = row ? Math.min((W - 12 - (k - 1) * gap) / k, 320) : Math.min(W - 12, 320);
  const totalW = row ? k * box + (k - 1) * gap : box;
  return { row, box, gap, x0: (W - totalW) / 2 };
}

/** Top-left of grid `gi`'s box: side by side (wide) or stacked with room for the step label (narrow). */
function boxOrigin(f: Frame, gi: number): { bx: number; by: number } {
  if (f.row) return { bx: f.x0 + gi * (f.box + f.gap), by: LABEL_H };
  return { bx: f.x0, by: LABEL_H + gi * (f.box + LABEL_H + f.gap * 0.6) };
}

/** Captions are bold (about 10 % wider than the estimate); they shrink, to at least 9, to fit their box. */
function captionSize(caption: string, box: number): number {
  const w = textWidth(caption, FONT.label) * 1.1;
  return w > box ? Math.max(9, Math.floor((FONT.label * box) / w)) : FONT.label;
}

function layoutBlock(grid: Grid, gi: number, f: Frame, domain: [number, number], opts: TokenGridOpts): GridBlockLayout {
  const [lo, hi] = domain;
  const span = hi - lo || 1;
  const cell = f.box / Math.max(grid.h, grid.w);
  const w = cell * grid.w;
  const h = cell * grid.h;
  const { bx, by } = boxOrigin(f, gi);
  const gx = bx + (f.box - w) / 2;
  const kept = grid.kept ? new Set(grid.kept) : undefined;
  const caption = `${grid.label ? `${grid.label} ` : ''}(${formatShape([grid.h, grid.w])})`;
  const texts = grid.values.map((v) => formatValue(opts.format, v));
  const cells = grid.values.map((value, idx): GridCellLayout => {
    const i = Math.floor(idx / grid.w);
    const j = idx % grid.w;
    const state: CellState = kept ? (kept.has(idx) ? 'kept' : 'dropped') : 'none';
    const t = Math.max(0.06, Math.min(1, (value - lo) / span));
    // Kept cells keep at least a visible tint.
    return { i, j, value, x: gx + j * cell, y: by + i * cell, state, opacity: state === 'kept' ? Math.max(0.3, t) : t, text: texts[idx] ?? '' };
  });
  const outlines = cells
    .filter((c) => c.state === 'kept')
    .map((c) => ({ x: gx + c.j * cell + 1, y: by + c.i * cell + 1, size: Math.max(1, cell - 2) }));
  return {
    grid,
    cell,
    x: gx,
    y: by,
    w,
    h,
    caption: { text: caption, x: bx + f.box / 2, y: by - 10, size: captionSize(caption, f.box) },
    showValues: opts.showValues && cell >= 24 && Math.max(...texts.map((t) => textWidth(t, FONT.value - 2))) <= cell - 3,
    cells,
    outlines,
  };
}

/** Wide: a horizontal arrow between neighbours, its label wrapped into the gap above it. */
function stepRow(p: GridBlockLayout, next: GridBlockLayout, label: string | undefined, gap: number): GridStepLayout {
  const y = p.y + p.h / 2;
  const lines = label ? wrapLabel(label, gap - 8, FONT.tick - 1, 3) : [];
  return {
    arrow: { x1: p.x + p.w + 6, y1: y, x2: next.x - 6, y2: y },
    labelled: Boolean(label),
    wrapped: true,
    lines: lines.map((text, li) => ({ text, x: (p.x + p.w + next.x) / 2, y: y - 10 - (lines.length - 1 - li) * (FONT.tick + 1) })),
  };
}

/** Narrow: a vertical arrow from one grid down to the next caption, its label on one line to the right. */
function stepColumn(p: GridBlockLayout, next: GridBlockLayout, label: string | undefined): GridStepLayout {
  const x = p.x + p.w / 2;
  return {
    arrow: { x1: x, y1: p.y + p.h + 6, x2: x, y2: next.y - LABEL_H + 6 },
    labelled: Boolean(label),
    wrapped: false,
    lines: label ? [{ text: label, x: x + 10, y: (p.y + p.h + next.y - LABEL_H) / 2 + 8 }] : [],
  };
}

function legendOf(data: TokenGridData, x: number, y: number): GridLegendLayout | undefined {
  const withKept = data.grids.filter((g) => g.kept);
  if (withKept.length === 0) return undefined;
  const kept = withKept.reduce((a, g) => a + (g.kept?.length ?? 0), 0);
  const total = withKept.reduce((a, g) => a + g.h * g.w, 0);
  const keptText = `kept ${formatInt(kept)}`;
  return { x, y, kept, dropped: total - kept, keptText, droppedText: `dropped ${formatInt(total - kept)}`, droppedX: 18 + textWidth(keptText, FONT.label) + 18 };
}

export function layoutTokenGrid(data: TokenGridData, opts: TokenGridOpts): TokenGridLayout {
  const all = data.grids.flatMap((g) => g.values);
  const domain = opts.domain ?? [Math.min(...all), Math.max(...all)];
  const f = frameOf(data, opts);
  const blocks = data.grids.map((grid, gi) => layoutBlock(grid, gi, f, domain, opts));
  const steps = blocks.slice(0, -1).map((p, gi) => {
    const next = blocks[gi + 1] as GridBlockLayout;
    return f.row ? stepRow(p, next, data.steps[gi], f.gap) : stepColumn(p, next, data.steps[gi]);
  });
  const maxBottom = Math.max(0, ...blocks.map((b) => b.y + b.h));
  const legend = legendOf(data, f.x0, maxBottom + 18);
  const height = legend ? maxBottom + 18 + LEGEND_H : maxBottom + 10;
  return { width: opts.width, height: Math.ceil(height), blocks, steps, legend };
}
