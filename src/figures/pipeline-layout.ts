/**
 * Geometry of the MLLM block diagram from the data and the width alone (no DOM): the wrapped text
 * of each box, the boxes, the side inputs and the arrows, in paint order. Left to right (wide,
 * `horizontal`) or stacked with inputs on the right (narrow, `vertical`). pipeline.ts draws it.
 */
import { formatShape, formatValue } from '../primitives/format';
import { FONT, textWidth, wrapLabel } from './common';
import type { PipelineData, PipelineOpts } from './pipeline';

type Stage = PipelineData['stages'][number];
type Input = PipelineData['inputs'][number];

/** Line heights of a stage label and of its sub-labels. */
export const LINE = FONT.label + 3;
export const SUB = FONT.tick + 4;

/** Outer margin, and the height of a side-input pill. */
const PAD = 6;
const INPUT_H = 38;

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface SubText {
  lines: string[];
  /** Font size, reduced (to at least 9) when a single word is wider than the box. */
  size: number;
  key: string;
  value?: number;
  shape?: number[];
}

export interface BoxText {
  lines: string[];
  subs: SubText[];
}

/** A stage's text placed in its box: baselines of the label lines, then of each sub-label's lines. */
export interface PlacedBoxText {
  cx: number;
  labelYs: number[];
  subYs: number[][];
}

export type PipelineMark =
  | { kind: 'stage'; stage: Stage; text: BoxText; placed: PlacedBoxText; box: Box }
  | { kind: 'input'; input: Input; box: Box }
  | { kind: 'arrow'; key: string; from: [number, number]; to: [number, number]; dashed: boolean };

export interface PipelineLayout {
  width: number;
  /** viewBox height (already rounded up). */
  height: number;
  /** Everything to draw, in paint order. */
  marks: PipelineMark[];
}

function subText(text: string, innerWidth: number, key: string, wrap: boolean): Omit<SubText, 'value' | 'shape'> {
  const lines = wrap ? wrapLabel(text, innerWidth, FONT.tick, 2) : [text];
  const widest = Math.max(...lines.map((l) => textWidth(l, FONT.tick)));
  const size = widest > innerWidth ? Math.max(9, Math.floor((FONT.tick * innerWidth) / widest)) : FONT.tick;
  return { lines, size, key };
}

/** The label wrapped to the box, and the sub-labels: note, shape, parameter count, "absent". */
export function boxText(stage: Stage, innerWidth: number, opts: PipelineOpts): BoxText {
  const subs: SubText[] = [];
  if (stage.note) subs.push(subText(stage.note, innerWidth, `${stage.key}.note`, true));
  if (stage.shape) subs.push({ ...subText(formatShape(stage.shape), innerWidth, `${stage.key}.shape`, false), shape: stage.shape });
  if (stage.params !== undefined) {
    const text = formatValue(opts.paramsFormat, stage.params);
    subs.push({ ...subText(text, innerWidth, `${stage.key}.params`, false), value: stage.params });
  }
  if (stage.absent) subs.push(subText('absent', innerWidth, `${stage.key}.absent`, false));
  // Labels are bold (≈ 10 % wider than the estimate) unless the stage is absent.
  return { lines: wrapLabel(stage.label, stage.absent ? innerWidth : innerWidth / 1.1, FONT.label, 3), subs };
}

function subLines(t: BoxText): number {
  return t.subs.reduce((a, sub) => a + sub.lines.length, 0);
}

export function boxHeight(t: BoxText): number {
  return 14 + t.lines.length * LINE + subLines(t) * SUB + 8;
}

/** Centres the text block vertically in the box. */
function placeBoxText(t: BoxText, box: Box): PlacedBoxText {
  const blockH = t.lines.length * LINE + subLines(t) * SUB;
  let y = box.y + (box.h - blockH) / 2 + FONT.label - 2;
  const labelYs = t.lines.map(() => {
    const at = y;
    y += LINE;
    return at;
  });
  const subYs = t.subs.map((sub) =>
    sub.lines.map(() => {
      const at = y + 1;
      y += SUB;
      return at;
    }),
  );
  return { cx: box.x + box.w / 2, labelYs, subYs };
}

const stageMark = (stage: Stage, text: BoxText, box: Box): PipelineMark => ({ kind: 'stage', stage, text, placed: placeBoxText(text, box), box });
const arrowMark = (key: string, from: [number, number], to: [number, number], dashed: boolean): PipelineMark => ({ kind: 'arrow', key, from, to, dashed });
const inputsFor = (data: PipelineData, key: string): Input[] => data.inputs.filter((input) => input.to === key);

/** Wide: equal boxes left to right, arrows between them, side inputs above their stage. */
export function layoutHorizontal(data: PipelineData, opts: PipelineOpts): PipelineLayout {
  const W = opts.width;
  const n = data.stages.length;
  const gap = 26;
  const boxW = (W - 2 * PAD - (n - 1) * gap) / n;
  const texts = data.stages.map((s) => boxText(s, boxW - 12, opts));
  const boxH = Math.max(...texts.map(boxHeight));
  const top = PAD + (data.inputs.length > 0 ? INPUT_H + 26 : 0);
  const marks: PipelineMark[] = [];
  data.stages.forEach((stage, i) => {
    const x = PAD + i * (boxW + gap);
    const t = texts[i];
    if (!t) return;
    marks.push(stageMark(stage, t, { x, y: top, w: boxW, h: boxH }));
    const next = data.stages[i + 1];
    if (next) marks.push(arrowMark(`${stage.key}->${next.key}`, [x + boxW + 2, top + boxH / 2], [x + boxW + gap - 2, top + boxH / 2], stage.absent || next.absent));
    const ins = inputsFor(data, stage.key);
    ins.forEach((input, k) => {
      const w = boxW / ins.length - (ins.length > 1 ? 4 : 0);
      const ix = x + k * (w + 4);
      marks.push({ kind: 'input', input, box: { x: ix, y: PAD, w, h: INPUT_H } });
      marks.push(arrowMark(`${input.key}->${stage.key}`, [ix + w / 2, PAD + INPUT_H + 2], [ix + w / 2, top - 2], stage.absent));
    });
  });
  return { width: W, height: Math.ceil(top + boxH + PAD), marks };
}

/** Narrow (phones): boxes stacked top to bottom, side inputs to the right of their stage. */
export function layoutVertical(data: PipelineData, opts: PipelineOpts): PipelineLayout {
  const W = opts.width;
  const gap = 28;
  const hasInputs = data.inputs.length > 0;
  const boxW = hasInputs ? Math.min(W * 0.58, 320) : Math.min(W - 2 * PAD, 320);
  const x = hasInputs ? PAD : (W - boxW) / 2;
  const texts = data.stages.map((s) => boxText(s, boxW - 16, opts));
  const marks: PipelineMark[] = [];
  let y = PAD;
  data.stages.forEach((stage, i) => {
    const t = texts[i];
    if (!t) return;
    const h = boxHeight(t);
    marks.push(stageMark(stage, t, { x, y, w: boxW, h }));
    const ins = inputsFor(data, stage.key);
    const inW = W - PAD - (x + boxW + 30);
    ins.forEach((input, k) => {
      const iy = y + (h - ins.length * (INPUT_H + 4)) / 2 + k * (INPUT_H + 4);
      marks.push({ kind: 'input', input, box: { x: x + boxW + 30, y: iy, w: inW, h: INPUT_H } });
      marks.push(arrowMark(`${input.key}->${stage.key}`, [x + boxW + 28, iy + INPUT_H / 2], [x + boxW + 2, iy + INPUT_H / 2], stage.absent));
    });
    const next = data.stages[i + 1];
    if (next) marks.push(arrowMark(`${stage.key}->${next.key}`, [x + boxW / 2, y + h + 2], [x + boxW / 2, y + h + gap - 2], stage.absent || next.absent));
    y += h + gap;
  });
  return { width: W, height: Math.ceil(y - gap + PAD), marks };
}

export function layoutPipeline(data: PipelineData, opts: PipelineOpts): PipelineLayout {
  return opts.layout === 'horizontal' ? layoutHorizontal(data, opts) : layoutVertical(data, opts);
}
