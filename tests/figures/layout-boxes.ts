/**
 * What each figure's layout covers, as boxes: the labels (text) and the marks (bars, cells, boxes),
 * read from the pure layout functions without a DOM. The layout tests check these boxes stay
 * inside the viewBox and apart from each other.
 */
import { FONT, textWidth, type LegendLayout, type PlotLayout } from '../../src/figures/common';
import { BAR_LABEL_LINE, type BarLayout } from '../../src/figures/bar-layout';
import type { HeatmapLayout } from '../../src/figures/heatmap-layout';
import type { LineLayout } from '../../src/figures/line-layout';
import type { PipelineLayout } from '../../src/figures/pipeline-layout';
import type { ScatterLayout } from '../../src/figures/scatter-layout';
import type { TaxonomyLayout } from '../../src/figures/taxonomy-layout';
import type { TokenGridLayout } from '../../src/figures/token-grid-layout';
import { formatInt, formatShape } from '../../src/primitives/format';
import { rect, textBox, type Rect } from './geometry';

export interface Boxes {
  texts: Rect[];
  marks: Rect[];
}

/** dy="0.32em": text vertically centred on y. */
const MIDDLE = 0.32;

function legendTexts(l: LegendLayout | undefined): Rect[] {
  if (!l) return [];
  return l.items.flatMap((it) => [
    rect(`legend swatch ${it.key}`, l.x + it.dx, l.y + it.dy - 6, 16, 12),
    textBox('legend', it.label, { x: l.x + it.dx + 22, y: l.y + it.dy, size: FONT.label, dy: MIDDLE }),
  ]);
}

function xTicks(ticks: Array<{ value: number; label: string }>, x: (v: number) => number, y: number): Rect[] {
  return ticks.map((t) => textBox('x tick', t.label, { x: x(t.value), y: y + FONT.tick + 4, size: FONT.tick, anchor: 'middle' }));
}

function yTicks(ticks: Array<{ value: number; label: string }>, y: (v: number) => number, x0: number): Rect[] {
  return ticks.map((t) => textBox('y tick', t.label, { x: x0 - 6, y: y(t.value), size: FONT.tick, anchor: 'end', dy: MIDDLE }));
}

const xAxisLabel = (text: string | undefined, at: { x: number; size: number }, axisY: number): Rect[] =>
  text ? [textBox('x label', text, { x: at.x, y: axisY + FONT.tick + 4 + FONT.label + 6, size: at.size, anchor: 'middle' })] : [];

export function barBoxes(l: BarLayout, xLabel?: string): Boxes {
  const texts = [
    ...legendTexts(l.legend),
    ...l.rows.flatMap((row) => [
      ...row.lines.map((line, li) => textBox('bar label', line, { x: row.labelX, y: row.labelY + li * BAR_LABEL_LINE, size: FONT.label, anchor: 'end', dy: MIDDLE })),
      textBox('bar value', row.valueText, { x: row.valueX, y: row.valueY, size: FONT.value, dy: MIDDLE }),
    ]),
    ...xTicks(l.axis.ticks, l.axis.x, l.axis.y),
    ...xAxisLabel(xLabel, l.axis.label, l.axis.y),
  ];
  const marks = l.rows.map((row) => rect(`bar ${row.row.key}`, row.bar.x, row.bar.y, row.bar.width, row.bar.height));
  return { texts, marks };
}

/** The legend, both axes' ticks and the axis labels of an x–y chart. */
function plotFrameTexts(l: PlotLayout, o: { xLabel?: string; yLabel?: string }): Rect[] {
  return [
    ...legendTexts(l.legend),
    ...yTicks(l.y.ticks, l.y.scale, l.left),
    ...xTicks(l.x.ticks, l.x.scale, l.bottom),
    ...xAxisLabel(o.xLabel, l.xLabel, l.bottom),
    ...(o.yLabel ? [textBox('y label', o.yLabel, { x: 0, y: l.yLabelY, size: FONT.label })] : []),
  ];
}

export function lineBoxes(l: LineLayout, o: { xLabel?: string; yLabel?: string }): Boxes {
  const texts = [
    ...plotFrameTexts(l, o),
    ...l.series.flatMap((s) => (s.end ? [textBox('end label', s.end.text, { x: s.end.labelX, y: s.end.y, size: FONT.value, dy: MIDDLE })] : [])),
  ];
  const marks = l.series.flatMap((s) => s.pixels.map(([x, y], k) => rect(`${s.series.key}[${k}]`, x, y, 0, 0)));
  return { texts, marks };
}

export function scatterBoxes(l: ScatterLayout, o: { xLabel?: string; yLabel?: string }): Boxes {
  const texts = [
    ...plotFrameTexts(l, o),
    ...l.points.flatMap((p) =>
      p.label ? [textBox('point label', p.label.text, { x: p.label.x, y: p.label.y, size: FONT.tick, anchor: p.label.anchor, dy: p.label.dy === '0.8em' ? 0.8 : p.label.dy ? MIDDLE : 0 })] : [],
    ),
  ];
  const marks = l.points.map((p) => rect(`point ${p.point.key}`, p.cx - p.radius, p.cy - p.radius, 2 * p.radius, 2 * p.radius));
  return { texts, marks };
}

/** A label rotated by -90° about its middle (x, y): a vertical run, glyphs to the left of x. */
function verticalBox(what: string, text: string, x: number, y: number, size: number): Rect {
  const w = textWidth(text, size);
  return { what: `${what} "${text}"`, x0: x - 0.75 * size, x1: x + 0.2 * size, y0: y - w / 2, y1: y + w / 2 };
}

/** A label rotated by -45° about its start: it rises to the upper right. */
function rotatedBox(what: string, text: string, x: number, y: number, size: number): Rect {
  const run = textWidth(text, size) * Math.SQRT1_2;
  return { what: `${what} "${text}"`, x0: x, y0: y - run - size * Math.SQRT1_2, x1: x + run + size * 0.2, y1: y + size * 0.2 };
}

export function heatmapBoxes(l: HeatmapLayout): Boxes {
  const texts = [
    ...l.colLabels.map((c) => (l.rotate ? rotatedBox('column', c.text, c.x, c.y, FONT.tick) : textBox('column', c.text, { x: c.x, y: c.y, size: FONT.tick, anchor: 'middle' }))),
    ...l.rowLabels.map((c) => textBox('row', c.text, { x: c.x, y: c.y, size: FONT.tick, anchor: 'end', dy: MIDDLE })),
    ...(l.colTitle ? [textBox('column title', l.colTitle.text, { x: l.colTitle.x, y: l.colTitle.y, size: FONT.label, anchor: 'middle' })] : []),
    ...(l.rowTitle ? [verticalBox('row title', l.rowTitle.text, l.rowTitle.x, l.rowTitle.y, FONT.label)] : []),
    ...l.legend.ends.map((e) => textBox('ramp end', e.text, { x: e.x, y: e.y, size: FONT.tick - 1, dy: e.dy === '0.8em' ? 0.8 : -0.2 })),
  ];
  const marks = [
    rect('grid', l.left, l.top, l.gridW, l.gridH),
    ...l.legend.steps.map((s, k) => rect(`ramp ${k}`, l.legend.x, s.y, 10, s.height)),
  ];
  return { texts, marks };
}

export function tokenGridBoxes(l: TokenGridLayout): Boxes {
  const texts = [
    ...l.blocks.map((b) => textBox('caption', b.caption.text, { x: b.caption.x, y: b.caption.y, size: b.caption.size * 1.1, anchor: 'middle' })),
    ...l.steps.flatMap((s) => s.lines.map((ln) => textBox('step', ln.text, { x: ln.x, y: ln.y, size: FONT.tick - 1, anchor: s.wrapped ? 'middle' : 'start' }))),
    ...(l.legend
      ? [
          rect('kept swatch', l.legend.x, l.legend.y - 6, 12, 12),
          textBox('legend', l.legend.keptText, { x: l.legend.x + 18, y: l.legend.y, size: FONT.label, dy: MIDDLE }),
          rect('dropped swatch', l.legend.x + l.legend.droppedX, l.legend.y - 6, 12, 12),
          textBox('legend', l.legend.droppedText, { x: l.legend.x + l.legend.droppedX + 18, y: l.legend.y, size: FONT.label, dy: MIDDLE }),
        ]
      : []),
  ];
  const marks = l.blocks.map((b) => rect(`grid ${b.grid.key}`, b.x, b.y, b.w, b.h));
  return { texts, marks };
}

/** Stage text boxes (per stage, so a test can check they stay in their box) and all marks. */
export function pipelineBoxes(l: PipelineLayout): Boxes & { stageTexts: Array<{ box: Rect; texts: Rect[] }> } {
  const stageTexts: Array<{ box: Rect; texts: Rect[] }> = [];
  const texts: Rect[] = [];
  const marks: Rect[] = [];
  for (const m of l.marks) {
    if (m.kind === 'stage') {
      const box = rect(`stage ${m.stage.key}`, m.box.x, m.box.y, m.box.w, m.box.h);
      // Bold labels run about 10 % wider than the estimate.
      const inner = [
        ...m.text.lines.map((line, li) => textBox('stage label', line, { x: m.placed.cx, y: m.placed.labelYs[li] ?? 0, size: FONT.label * (m.stage.absent ? 1 : 1.1), anchor: 'middle' })),
        ...m.text.subs.flatMap((sub, si) => sub.lines.map((line, li) => textBox('stage sub', line, { x: m.placed.cx, y: m.placed.subYs[si]?.[li] ?? 0, size: sub.size, anchor: 'middle' }))),
      ];
      stageTexts.push({ box, texts: inner });
      texts.push(...inner);
      marks.push(box);
    } else if (m.kind === 'input') {
      marks.push(rect(`input ${m.input.key}`, m.box.x, m.box.y, m.box.w, m.box.h));
      const inner = m.lines.map((line, li) => textBox('input', line, { x: m.box.x + m.box.w / 2, y: m.labelYs[li] ?? 0, size: m.labelSize, anchor: 'middle' }));
      if (m.input.shape) inner.push(textBox('input shape', formatShape(m.input.shape), { x: m.box.x + m.box.w / 2, y: m.shapeY, size: FONT.tick - 1, anchor: 'middle' }));
      stageTexts.push({ box: rect(`input ${m.input.key}`, m.box.x, m.box.y, m.box.w, m.box.h), texts: inner });
      texts.push(...inner);
    }
  }
  return { texts, marks, stageTexts };
}

export function taxonomyBoxes(l: TaxonomyLayout): Boxes {
  const texts = l.nodes.flatMap((p) => {
    const leaf = p.children.length === 0;
    const label = `${p.node.label}${p.node.count === undefined ? '' : ` (${formatInt(p.node.count)})`}`;
    const own = [textBox(`node ${p.node.key}`, label, { x: p.x + 9, y: p.y + (leaf ? -6 : -9), size: FONT.label * 1.1 })];
    if (!leaf) return own;
    if (p.node.note) own.push(textBox('note', p.node.note, { x: p.x + 9, y: p.y + 9, size: FONT.tick - 1 }));
    p.node.links.forEach((link, k) => own.push(textBox('link', link.label, { x: p.x + (p.linkXs[k] ?? 0), y: p.y + p.linkY, size: FONT.tick - 1 })));
    return own;
  });
  const marks = l.nodes.map((p) => rect(`dot ${p.node.key}`, p.x - 5.5, p.y - 5.5, 11, 11));
  return { texts, marks };
}
