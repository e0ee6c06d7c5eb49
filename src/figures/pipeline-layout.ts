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
/** Line height of a side input's label when it wraps. */
const INPUT_LINE = FONT.tick + 2;

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface SubText {
  lines: string[];
  /** Font size, reduced (to at least 9) when a line is wider than the box. */
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
  | { kind: 'input'; input: Input; box: Box; lines: string[]; labelSize: number; labelYs: number[]; shapeY: number }
  | { kind: 'arrow'; key: string; from: [number, number]; to: [number, number]; dashed: boolean };

export interface PipelineLayout {
  width: number;
  /** viewBox height (already rounded up). */
  height: number;
  /** Everything to draw, in paint order. */
  marks: PipelineMark[];
}

/** Lines at tick size, shrunk (to at least 9) when the widest is wider than the box. */
function sized(lines: string[], innerWidth: number): { lines: string[]; size: number; fits: boolean } {
  const widest = Math.max(...lines.map((l) => textWidth(l, FONT.tick)));
  const size = widest > innerWidth ? Math.max(9, Math.floor((FONT.tick * innerWidth) / widest)) : FONT.tick;
  return { lines, size, fits: (widest * size) / FONT.tick <= innerWidth };
}

/** A sub-label: on one line, or (`wrap`) on two, three when two do not fit even at the smallest size. */
function subText(text: string, innerWidth: number, key: string, wrap: boolean): Omit<SubText, 'value' | 'shape'> {
  const two = sized(wrap ? wrapLabel(text, innerWidth, FONT.tick, 2) : [text], innerWidth);
  const { lines, size } = two.fits || !wrap ? two : sized(wrapLabel(text, innerWidth, FONT.tick, 3), innerWidth);
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

/** A side input's label: its lines, font size, and the height of the pill that holds them. */
interface InputLabel {
  lines: string[];
  size: number;
  h: number;
}

/**
 * One line, shrunk (to at least 9) when wider than the pill less 12 units of padding; when even 9
 * does not fit, two lines of tick size in a pill one line taller.
 */
function inputLabel(input: Input, w: number): InputLabel {
  const width = textWidth(input.label, FONT.label);
  const room = w - 12;
  if (width <= room) return { lines: [input.label], size: FONT.label, h: INPUT_H };
  const size = Math.floor((FONT.label * room) / width);
  const lines = wrapLabel(input.label, room, FONT.tick, 2);
  if (size >= 9 || lines.length < 2) return { lines: [input.label], size: Math.max(9, size), h: INPUT_H };
  return { lines, size: FONT.tick, h: INPUT_H + (lines.length - 1) * INPUT_LINE };
}

/** The pill at (x, y), its label lines centred in it and the shape below them. */
function inputMark(input: Input, x: number, y: number, w: number, label: InputLabel): PipelineMark {
  const cy = y + label.h / 2;
  const n = label.lines.length;
  const first = cy + (input.shape !== undefined ? -3 : 4) - ((n - 1) * INPUT_LINE) / 2;
  return {
    kind: 'input',
    input,
    box: { x, y, w, h: label.h },
    lines: label.lines,
    labelSize: label.size,
    labelYs: label.lines.map((_, k) => first + k * INPUT_LINE),
    shapeY: cy + 12 + ((n - 1) * INPUT_LINE) / 2,
  };
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
  // Inputs share their stage's width; the row of inputs is as tall as its tallest pill.
  const inputW = (key: string): number => {
    const count = inputsFor(data, key).length;
    return boxW / count - (count > 1 ? 4 : 0);
  };
  const labels = new Map(data.inputs.map((input) => [input.key, inputLabel(input, inputW(input.to))]));
  const inputsH = Math.max(INPUT_H, ...[...labels.values()].map((l) => l.h));
  const top = PAD + (data.inputs.length > 0 ? inputsH + 26 : 0);
  const marks: PipelineMark[] = [];
  data.stages.forEach((stage, i) => {
    const x = PAD + i * (boxW + gap);
    const t = texts[i];
    if (!t) return;
    marks.push(stageMark(stage, t, { x, y: top, w: boxW, h: boxH }));
    const next = data.stages[i + 1];
    if (next) marks.push(arrowMark(`${stage.key}->${next.key}`, [x + boxW + 2, top + boxH / 2], [x + boxW + gap - 2, top + boxH / 2], stage.absent || next.absent));
    inputsFor(data, stage.key).forEach((input, k) => {
      const w = inputW(stage.key);
      const ix = x + k * (w + 4);
      const label = labels.get(input.key) as InputLabel;
      marks.push(inputMark(input, ix, PAD, w, label));
      marks.push(arrowMark(`${input.key}->${stage.key}`, [ix + w / 2, PAD + label.h + 2], [ix + w / 2, top - 2], stage.absent));
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
    // The stage's inputs stacked to its right, centred on it.
    const inW = W - PAD - (x + boxW + 30);
    const labels = inputsFor(data, stage.key).map((input) => ({ input, label: inputLabel(input, inW) }));
    let iy = y + (h - labels.reduce((a, l) => a + l.label.h + 4, 0)) / 2;
    for (const { input, label } of labels) {
      marks.push(inputMark(input, x + boxW + 30, iy, inW, label));
      marks.push(arrowMark(`${input.key}->${stage.key}`, [x + boxW + 28, iy + label.h / 2], [x + boxW + 2, iy + label.h / 2], stage.absent));
      iy += label.h + 4;
    }
    const next = data.stages[i + 1];
    if (next) marks.push(arrowMark(`${stage.key}->${next.key}`, [x + boxW / 2, y + h + 2], [x + boxW / 2, y + h + gap - 2], stage.absent || next.absent));
    y += h + gap;
  });
  return { width: W, height: Math.ceil(y - gap + PAD), marks };
}

export function layoutPipeline(data: PipelineData, opts: PipelineOpts): PipelineLayout {
  return opts.layout === 'horizontal' ? layoutHorizontal(data, opts) : layoutVertical(data, opts);
}
