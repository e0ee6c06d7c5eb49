/**
 * The figures' pure layout functions, tested without a DOM: every label and mark lies inside the
 * viewBox, no two labels overlap, and a box's text stays in its box. Checked for the test samples
 * from 360 (the width of every phone variant) to 1000.
 */
import { describe, expect, it } from 'vitest';
import { layoutBar } from '../../src/figures/bar-layout';
import { layoutHeatmap } from '../../src/figures/heatmap-layout';
import { layoutLine } from '../../src/figures/line-layout';
import { layoutPipeline } from '../../src/figures/pipeline-layout';
import { parseFigure } from '../../src/figures/registry';
import { layoutScatter } from '../../src/figures/scatter-layout';
import { layoutTaxonomy } from '../../src/figures/taxonomy-layout';
import { layoutTokenGrid } from '../../src/figures/token-grid-layout';
import { expectApart, expectInside, expectWithin } from './geometry';
import { barBoxes, heatmapBoxes, lineBoxes, pipelineBoxes, scatterBoxes, taxonomyBoxes, tokenGridBoxes } from './layout-boxes';
import { samples } from './samples';

// `any`: data and opts arrive validated by the registry's schemas (parseFigure), each renderer's own types.

/** Lays a validated figure out and checks its boxes; returns the viewBox size it checked against. */
function checkLayout(kind: string, data: any, opts: any): { width: number; height: number } {
  switch (kind) {
    case 'bar': {
      const l = layoutBar(data, opts);
      const { texts, marks } = barBoxes(l, opts.xLabel);
      expectInside([...texts, ...marks], l.width, l.height);
      expectApart(texts);
      // The label column ends before the value axis begins.
      for (const row of l.rows) expect(row.labelX).toBeLessThan(l.left);
      return l;
    }
    case 'line': {
      const l = layoutLine(data, opts);
      const { texts, marks } = lineBoxes(l, opts);
      expectInside([...texts, ...marks], l.width, l.height);
      expectApart(texts);
      return l;
    }
    case 'scatter': {
      const l = layoutScatter(data, opts);
      const { texts, marks } = scatterBoxes(l, opts);
      expectInside([...texts, ...marks], l.width, l.height);
      expectApart(texts);
      return l;
    }
    case 'heatmap': {
      const l = layoutHeatmap(data, opts);
      const { texts, marks } = heatmapBoxes(l);
      expectInside([...texts, ...marks], l.width, l.height);
      // Rotated column labels are parallel diagonals: their bounding boxes overlap by design.
      expectApart(l.rotate ? texts.filter((t) => !t.what.startsWith('column ')) : texts);
      return l;
    }
    case 'token-grid': {
      const l = layoutTokenGrid(data, opts);
      const { texts, marks } = tokenGridBoxes(l);
      expectInside([...texts, ...marks], l.width, l.height);
      expectApart([...texts, ...marks]);
      return l;
    }
    case 'pipeline': {
      const l = layoutPipeline(data, opts);
      const { texts, marks, stageTexts } = pipelineBoxes(l);
      expectInside([...texts, ...marks], l.width, l.height);
      expectApart(marks);
      for (const { box, texts: inner } of stageTexts) for (const t of inner) expectWithin(t, box);
      return l;
    }
    case 'taxonomy': {
      const l = layoutTaxonomy(data, opts);
      const { texts, marks } = taxonomyBoxes(l);
      expectInside([...texts, ...marks], l.width, l.height);
      expectApart(texts);
      return l;
    }
    default:
      throw new Error(`no layout check for ${kind}`);
  }
}

/** Validates like the registry does, so the layouts see defaults filled in. */
function check(kind: string, data: unknown, opts: Record<string, unknown>): { width: number; height: number } {
  const parsed = parseFigure(kind, data, opts);
  return checkLayout(kind, parsed.data, parsed.opts);
}

/** Each sample in its wide layout and, where the phone variant is a different layout, in that one too. */
const PHONE_LAYOUT: Record<string, Record<string, unknown> | undefined> = {
  pipeline: { layout: 'vertical' },
  'token-grid': { layout: 'column' },
  taxonomy: { layout: 'indent' },
};
const cases = Object.entries(samples).flatMap(([name, s]) => {
  const phone = PHONE_LAYOUT[s.figure];
  return [
    { name, label: `${name} (wide layout)`, figure: s.figure, data: s.data, opts: s.opts, wideOnly: Boolean(phone) },
    ...(phone ? [{ name, label: `${name} (phone layout)`, figure: s.figure, data: s.data, opts: { ...s.opts, ...phone }, wideOnly: false }] : []),
  ];
});

describe.each([360, 480, 640, 1000])('samples at width %i', (width) => {
  // The left-to-right pipeline and the taxonomy tree are drawn wide only (their phone variants are other layouts).
  const here = cases.filter((c) => !c.wideOnly || width >= 640);
  it.each(here.map((c) => [c.label, c] as const))('%s: inside the viewBox, labels apart', (_, c) => {
    expect(check(c.figure, c.data, { ...c.opts, width }).width).toBe(width);
  });
});
