/**
 * Plain-data descriptions of how a result is shown (tables and figures), produced by a notebook's
 * `present` and rendered by components/lab/result-view.ts at build time and after a live run.
 *
 * Every number cell keeps its raw value, the JSON path it came from (relative to `result`) and the
 * name of the formatter, so the e2e test can check painted text = format(committed value).
 */
import {
  formatCount,
  formatFixed,
  formatGflop,
  formatInt,
  formatPercent,
  formatSig,
} from '../src/lib/format';

/** The formatters a cell may use: every one is a function of src/lib/format.ts. */
export const CELL_FORMATS = {
  int: (v: number) => formatInt(v),
  count: (v: number) => formatCount(v, 2),
  gflop: (v: number) => formatGflop(v, 2),
  fixed4: (v: number) => formatFixed(v, 4),
  sig3: (v: number) => formatSig(v, 3),
  sig4: (v: number) => formatSig(v, 4),
  percent: (v: number) => formatPercent(v, 1),
} as const;

export type CellFormat = keyof typeof CELL_FORMATS;

export interface NumberCell {
  value: number;
  format: CellFormat;
  /** JSON path into the result, dot-separated ("rows.0.params"). */
  key: string;
}

export type Cell = string | NumberCell;

export interface TableBlock {
  kind: 'table';
  caption: string;
  columns: string[];
  rows: Cell[][];
}

/** A figure drawn by the src/figures registry (when it is available) from plain data. */
export interface FigureBlock {
  kind: 'figure';
  /** Renderer name in src/figures/registry.ts, e.g. 'line'. */
  figure: string;
  caption: string;
  data: unknown;
  opts: Record<string, unknown>;
}

export type ViewBlock = TableBlock | FigureBlock;

export const formatCell = (cell: NumberCell): string => CELL_FORMATS[cell.format](cell.value);

/** Reads a dot path ("rows.0.params") from a JSON value; undefined when absent. */
export function readPath(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

export const num = (value: number, format: CellFormat, key: string): NumberCell => ({ value, format, key });
