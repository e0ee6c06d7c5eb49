/**
 * The figures' pure layout functions, tested without a DOM: every label and mark lies inside the
 * viewBox, no two labels overlap, and a box's text stays in its box. Checked for the test samples
 * from 280 (the narrowest width the options accept) to 1000, and for the figures the articles draw
 * in both their variants (wide, and the 360-unit phone variant).
 */
import { describe, expect, it } from 'vitest';
import { layoutAttentionOverlay } from '../../src/figures/attention-overlay';
import { layoutBar } from '../../src/figures/bar-layout';
import { layoutHeatmap } from '../../src/figures/heatmap-layout';
import { layoutLine } from '../../src/figures/line-layout';
import { layoutPipeline } from '../../src/figures/pipeline-layout';
import { getRenderer, parseFigure } from '../../src/figures/registry';
import { layoutScatter } from '../../src/figures/scatter-layout';
import { layoutTaxonomy } from '../../src/figures/taxonomy-layout';
import { layoutTokenGrid } from '../../src/figures/token-grid-layout';
import { layoutTokenSequence } from '../../src/figures/token-sequence';
import * as alignment from '../../src/reference/articles/alignment';
import * as taxonomyArticle from '../../src/reference/articles/taxonomy';
import * as whatIs from '../../src/reference/articles/what-is-a-projector';
import { expectApart, expectInside, expectWithin, rect, textBox } from './geometry';
import { FONT } from '../../src/figures/common';
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
    case 'attention-overlay': {
      const l = layoutAttentionOverlay(data, opts);
      const texts = [
        ...l.panels.map((p, i) => textBox(`label ${i}`, String(data.maps[i].label), { x: p.x + l.size / 2, y: p.y + 13, size: FONT.tick, anchor: 'middle' })),
        ...l.panels.flatMap((p, i) => (data.maps[i].extra ? [textBox(`extra ${i}`, `${data.maps[i].extra.label} 100%`, { x: p.x + l.size / 2, y: p.y + l.labelH + l.size + 13, size: FONT.tick - 1, anchor: 'middle' })] : [])),
        textBox('legend', l.legendText, { x: 0, y: l.legendY, size: FONT.tick - 1 }),
      ];
      const marks = l.panels.map((p, i) => rect(`panel ${i}`, p.x, p.y + l.labelH, l.size, l.size));
      expectInside([...texts, ...marks], l.width, l.height);
      expectApart(texts);
      expectApart(marks);
      return l;
    }
    case 'token-sequence': {
      const l = layoutTokenSequence(data, opts);
      const texts = [
        ...l.segments.flatMap((s) => (s.count ? [textBox(`count ${s.seg.key}`, s.count.text, { x: s.count.x, y: s.count.y, size: FONT.value, anchor: 'middle', dy: 0.32 })] : [])),
        ...l.segments.map((s) => textBox(`key ${s.seg.key}`, s.key.text, { x: 18, y: s.key.y, size: s.key.size })),
      ];
      const marks = l.segments.map((s) => rect(`segment ${s.seg.key}`, s.x, l.barY, s.w, l.barH));
      expectInside([...texts, ...marks], l.width, l.height);
      expectApart(texts);
      for (const s of l.segments) if (s.count) expectWithin(textBox('count', s.count.text, { x: s.count.x, y: s.count.y, size: FONT.value, anchor: 'middle', dy: 0.32 }), rect('segment', s.x, l.barY, s.w, l.barH));
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

describe.each([280, 320, 360, 480, 640, 1000])('samples at width %i', (width) => {
  // The left-to-right pipeline and the taxonomy tree are drawn wide only (their phone variants are other layouts).
  const here = cases.filter((c) => !c.wideOnly || width >= 640);
  it.each(here.map((c) => [c.label, c] as const))('%s: inside the viewBox, labels apart', (_, c) => {
    expect(check(c.figure, c.data, { ...c.opts, width }).width).toBe(width);
  });
});

describe('the figures the articles draw (opts as in their MDX), wide and phone variants', () => {
  const figures: Array<[string, string, unknown, Record<string, unknown>]> = [
    ['what-is-a-projector fig-anatomy', 'pipeline', whatIs.pipelineData, { id: 'fig-anatomy' }],
    ['what-is-a-projector fig-params', 'bar', whatIs.paramBars, { id: 'fig-params', log: true, xLabel: 'trainable projector parameters (log scale)', sort: 'desc' }],
    ['alignment fig-feature-map', 'pipeline', alignment.featureMapDiagram, { id: 'fig-feature-map' }],
    ['alignment fig-contrastive', 'pipeline', alignment.contrastiveDiagram, { id: 'fig-contrastive' }],
    ['alignment fig-token-selection', 'pipeline', alignment.tokenSelectionDiagram, { id: 'fig-token-selection' }],
    ['alignment fig-adversarial', 'pipeline', alignment.adversarialDiagram, { id: 'fig-adversarial' }],
    ['alignment fig-multispace', 'pipeline', alignment.multispaceDiagram, { id: 'fig-multispace' }],
    ['taxonomy fig-taxonomy', 'taxonomy', taxonomyArticle.taxonomyTree, { id: 'fig-taxonomy' }],
    ['taxonomy fig-survey-output', 'bar', taxonomyArticle.surveyOutputBars, { id: 'fig-survey-output', format: { kind: 'int' }, xLabel: 'models' }],
    ['taxonomy fig-survey-input', 'bar', taxonomyArticle.surveyInputBars, { id: 'fig-survey-input', format: { kind: 'int' }, xLabel: 'models' }],
  ];
  it.each(figures)('%s', (_, kind, data, opts) => {
    const wide = parseFigure(kind, data, opts);
    checkLayout(kind, wide.data, wide.opts);
    const narrowOpts = getRenderer(kind).narrowOpts?.(wide.opts);
    expect(narrowOpts?.width).toBe(360);
    checkLayout(kind, wide.data, narrowOpts);
  });
});
