/**
 * The Lab benchmark page's tables, drawn into a given document: at build time (linkedom) from the
 * committed measurement, and in the browser row by row while a run is in progress, so the committed
 * and the live table look the same. No d3 and no tfjs here (the chart is ./bench-chart.ts).
 * Every number cell carries data-key and data-value (raw) and its text comes from format.ts.
 */
import { formatFixed, formatGflop, formatInt, formatPercent } from '../../src/primitives/format';
import type { BenchReport, BenchRow, PeakRow } from '../../src/bench/report';

function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

const num = (doc: Document, key: string, value: number, text: string): HTMLTableCellElement =>
  el(doc, 'td', { class: 'num', 'data-key': key, 'data-value': String(value) }, text);

function table(doc: Document, caption: string, columns: readonly string[], numeric: readonly boolean[], testid: string): { wrap: HTMLElement; body: HTMLTableSectionElement } {
  const wrap = el(doc, 'div', { class: 'lab-table-wrap', tabindex: '0', role: 'region', 'aria-label': caption });
  const t = el(doc, 'table', { class: 'lab-table', 'data-testid': testid });
  t.append(el(doc, 'caption', {}, caption));
  const head = el(doc, 'thead');
  const tr = el(doc, 'tr');
  columns.forEach((c, i) => tr.append(el(doc, 'th', numeric[i] ? { scope: 'col', class: 'num' } : { scope: 'col' }, c)));
  head.append(tr);
  const body = el(doc, 'tbody');
  t.append(head, body);
  wrap.append(t);
  return { wrap, body };
}

/** One square-product row; `best` marks the peak. */
export function peakRowElement(doc: Document, r: PeakRow, best: boolean): HTMLTableRowElement {
  const tr = el(doc, 'tr', { 'data-peak': String(r.n), ...(best ? { class: 'bench-best' } : {}) });
  tr.append(el(doc, 'th', { scope: 'row' }, `${formatInt(r.n)} × ${formatInt(r.n)} · ${formatInt(r.n)} × ${formatInt(r.n)}${best ? ' (peak)' : ''}`));
  tr.append(num(doc, `peak-${r.n}:gflop`, r.flops, formatFixed(r.flops / 1e9, 2)));
  tr.append(num(doc, `peak-${r.n}:ms`, r.ms, formatFixed(r.ms, 1)));
  tr.append(num(doc, `peak-${r.n}:gflops`, r.gflops, formatFixed(r.gflops, 1)));
  return tr;
}

/** One preset row: ms, GFLOP/s and ratio to the run's peak (or why it was skipped). */
export function presetRowElement(doc: Document, r: BenchRow): HTMLTableRowElement {
  const tr = el(doc, 'tr', { 'data-preset': r.preset });
  tr.append(el(doc, 'th', { scope: 'row' }, r.preset));
  tr.append(el(doc, 'td', {}, r.kind));
  tr.append(num(doc, `${r.preset}:gflop`, r.flops, formatGflop(r.flops, 3).replace(' GFLOP', '')));
  if (r.skipped !== undefined || r.ms === undefined || r.gflops === undefined || r.ratio === undefined) {
    tr.append(el(doc, 'td', { colspan: '3', class: 'bench-skipped' }, `skipped: ${r.skipped ?? 'not measured'}`));
    return tr;
  }
  tr.append(num(doc, `${r.preset}:ms`, r.ms, formatFixed(r.ms, r.ms < 10 ? 2 : 1)));
  tr.append(num(doc, `${r.preset}:gflops`, r.gflops, formatFixed(r.gflops, 1)));
  tr.append(num(doc, `${r.preset}:ratio`, r.ratio, formatPercent(r.ratio, 0)));
  return tr;
}

export const PEAK_COLUMNS = ['square product', 'GFLOP', 'ms', 'GFLOP/s'] as const;
export const PRESET_COLUMNS = ['preset', 'kind', 'GFLOP', 'ms', 'GFLOP/s', 'of peak'] as const;

/** The two empty tables (peak and presets), to fill row by row. */
export function emptyTables(doc: Document): { peak: ReturnType<typeof table>; presets: ReturnType<typeof table> } {
  return {
    peak: table(doc, 'Peak: square matrix products, best GFLOP/s of the run', PEAK_COLUMNS, [false, true, true, true], 'bench-peak'),
    presets: table(doc, 'Projector presets at real size, batch 1', PRESET_COLUMNS, [false, false, true, true, true, true], 'bench-presets'),
  };
}

/** A one-line description of where the run happened. */
export function metaText(r: BenchReport): string {
  const threads = r.threads === null ? 'threads unknown' : `${formatInt(r.threads)} thread${r.threads === 1 ? '' : 's'}`;
  const simd = r.simd === null ? '' : r.simd ? ', SIMD' : ', no SIMD';
  return `${r.date.slice(0, 10)} · ${r.env} (${r.runtime}) · ${r.machine} · backend ${r.backend}${simd}, ${threads} · tfjs ${r.tfjsVersion}${r.load ? ` · load ${r.load}` : ''}`;
}

/** A whole report: the meta line and both tables. */
export function renderBenchReport(doc: Document, r: BenchReport): HTMLElement {
  const root = el(doc, 'div', { class: 'bench-report' });
  root.append(el(doc, 'p', { class: 'lab-provenance', 'data-testid': 'bench-meta' }, metaText(r)));
  const { peak, presets } = emptyTables(doc);
  for (const p of r.peak.sizes) peak.body.append(peakRowElement(doc, p, p.n === r.peak.best.n));
  for (const row of r.rows) presets.body.append(presetRowElement(doc, row));
  root.append(peak.wrap, presets.wrap);
  return root;
}
