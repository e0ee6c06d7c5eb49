/**
 * The benchmark chart: each measured preset's GFLOP/s as a share of the run's peak, drawn by the
 * bar renderer (src/figures). Used at build time for the committed measurement and in the browser
 * (loaded with d3 only when a live run finishes).
 */
import { renderFigure } from '../../src/figures/registry';
import type { BenchReport } from '../../src/bench/report';

/** Bar rows: measured presets only (skipped ones have no ratio), in the run's order. */
export function ratioChartData(r: BenchReport): { rows: { key: string; label: string; value: number }[] } {
  return { rows: r.rows.flatMap((row) => (row.ratio === undefined ? [] : [{ key: row.preset, label: row.preset, value: row.ratio }])) };
}

/** A <figure> with the chart and a caption, or a note saying why there is none. */
export function renderRatioChart(doc: Document, r: BenchReport, id: string): HTMLElement {
  const figure = doc.createElement('figure');
  figure.setAttribute('class', 'lab-figure');
  figure.setAttribute('data-testid', 'bench-chart');
  const data = ratioChartData(r);
  if (data.rows.length === 0) {
    const p = doc.createElement('p');
    p.textContent = 'No preset was measured in this run, so there is no chart.';
    figure.append(p);
    return figure;
  }
  const out = renderFigure(
    'bar',
    data,
    { id, title: 'Projector speed as a share of the peak', format: { kind: 'percent', digits: 0 }, tickFormat: { kind: 'percent', digits: 0 }, xLabel: 'GFLOP/s ÷ peak GFLOP/s of the same run' },
    { document: doc },
  );
  figure.append(out.svg);
  const cap = doc.createElement('figcaption');
  cap.textContent = `Each preset's forward speed divided by the best square matrix product of the same run (100% is the peak). ${out.description}`;
  figure.append(cap);
  return figure;
}
