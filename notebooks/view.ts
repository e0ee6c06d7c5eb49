/**
 * Plain-data descriptions of how a result is shown (tables and figures), produced by a notebook's
 * `present` and rendered by components/lab/result-view.ts at build time and after a live run.
 *
 * Every number cell keeps its raw value, the JSON path it came from (relative to `result`) and the
 * name of the formatter, so the e2e test can check painted text = format(committed value).
 */
import { formatValue, type FormatSpec } from '../src/primitives/format';

/**
 * Short names for the formats table cells use. Each is a full FormatSpec (digits spelled out), so
 * a cell formats through the one dispatcher, formatValue, with no defaults of its own.
 */
export const CELL_FORMATS = {
  int: { kind: 'int' },
  count: { kind: 'count', digits: 2 },
  gflop: { kind: 'gflop', digits: 2 },
  fixed4: { kind: 'fixed', digits: 4 },
  sig3: { kind: 'sig', digits: 3 },
  sig4: { kind: 'sig', digits: 4 },
  percent: { kind: 'percent', digits: 1 },
} as const satisfies Record<string, FormatSpec>;

export type CellFormat = keyof typeof CELL_FORMATS;

export interface NumberCell {
  value: number;
  format: FormatSpec;
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

export const formatCell = (cell: NumberCell): string => formatValue(cell.format, cell.value);

export const num = (value: number, format: CellFormat | FormatSpec, key: string): NumberCell => ({
  value,
  format: typeof format === 'string' ? CELL_FORMATS[format] : format,
  key,
});
