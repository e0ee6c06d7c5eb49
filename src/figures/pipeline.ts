/**
 * The MLLM block diagram (MM-LLMs survey, zhang2024mmllms §2): modality encoder → input projector →
 * LLM backbone → output projector → modality generator. Each stage is a box with a label, an
 * optional shape sub-label ("576 × 1024") and parameter count; stages can be highlighted, or drawn
 * dashed as absent (understanding-only models have no output side). Side inputs (e.g. the text
 * prompt) enter a stage from above (wide layout) or from the right (vertical layout for phones).
 *
 * Shapes are written with formatShape and carry `data-shape` (comma-separated dimensions) rather than
 * `data-value`, which always holds a single number.
 */
import { z } from 'zod';
import { formatShape, formatSpecSchema, formatValue } from '../primitives/format';
import {
  FONT,
  baseOptsShape,
  createRoot,
  finite,
  r,
  textWidth,
  wrapLabel,
  type G,
} from './common';
import type { FigureRenderer } from './types';

const shapeSchema = z.array(z.number().int().positive()).min(1).max(5);

const stageSchema = z
  .object({
    key: z.string().min(1),
    label: z.string().min(1),
    role: z.enum(['encoder', 'input-projector', 'llm', 'output-projector', 'generator', 'other']).default('other'),
    /** Output shape of this stage (tokens × width), written as "576 × 1024". */
    shape: shapeSchema.optional(),
    /** Free-text sub-label without numbers, e.g. "CLIP ViT-L/14". */
    note: z.string().optional(),
    params: finite().nonnegative().optional(),
    highlight: z.boolean().default(false),
    absent: z.boolean().default(false),
  })
  .strict();

const inputSchema = z
  .object({
    key: z.string().min(1),
    label: z.string().min(1),
    /** Key of the stage this input enters. */
    to: z.string().min(1),
    shape: shapeSchema.optional(),
  })
  .strict();

export const pipelineDataSchema = z
  .object({
    stages: z.array(stageSchema).min(1, 'needs at least one stage').max(8),
    inputs: z.array(inputSchema).default([]),
  })
  .strict()
  .superRefine((d, ctx) => {
    const keys = d.stages.map((s) => s.key);
    d.stages.forEach((s, i) => {
      if (keys.indexOf(s.key) !== i) ctx.addIssue({ code: 'custom', path: ['stages', i, 'key'], message: `duplicate key "${s.key}"` });
    });
    d.inputs.forEach((input, i) => {
      if (!keys.includes(input.to)) {
        ctx.addIssue({ code: 'custom', path: ['inputs', i, 'to'], message: `no stage with key "${input.to}"` });
      }
    });
  });
export type PipelineData = z.infer<typeof pipelineDataSchema>;

export const pipelineOptsSchema = z
  .object({
    ...baseOptsShape,
    title: z.string().default('Block diagram of a multimodal LLM'),
    layout: z.enum(['horizontal', 'vertical']).default('horizontal'),
    paramsFormat: formatSpecSchema.default({ kind: 'count', digits: 1, suffix: ' params' }),
  })
  .strict();
export type PipelineOpts = z.infer<typeof pipelineOptsSchema>;

type Stage = PipelineData['stages'][number];
type Input = PipelineData['inputs'][number];

const LINE = FONT.label + 3;
const SUB = FONT.tick + 4;

interface SubText {
  lines: string[];
  /** Font size, reduced (to at least 9) when a single word is wider than the box. */
  size: number;
  key: string;
  value?: number;
  shape?: number[];
}

interface BoxText {
  lines: string[];
  subs: SubText[];
}

function subText(text: string, innerWidth: number, key: string, wrap: boolean): Omit<SubText, 'value' | 'shape'> {
  const lines = wrap ? wrapLabel(text, innerWidth, FONT.tick, 2) : [text];
  const widest = Math.max(...lines.map((l) => textWidth(l, FONT.tick)));
  const size = widest > innerWidth ? Math.max(9, Math.floor((FONT.tick * innerWidth) / widest)) : FONT.tick;
  return { lines, size, key };
}

function boxText(stage: Stage, innerWidth: number, opts: PipelineOpts): BoxText {
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

function boxHeight(t: BoxText): number {
  return 14 + t.lines.length * LINE + subLines(t) * SUB + 8;
}

function drawBox(g: G, stage: Stage, t: BoxText, o: { x: number; y: number; w: number; h: number }): void {
  const box = g
    .append('g')
    .attr('class', `fig-stage${stage.highlight ? ' is-highlight' : ''}${stage.absent ? ' is-absent' : ''}`)
    .attr('data-key', stage.key)
    .attr('data-role', stage.role);
  const rect = box
    .append('rect')
    .attr('x', r(o.x))
    .attr('y', r(o.y))
    .attr('width', r(o.w))
    .attr('height', r(o.h))
    .attr('rx', 6);
  if (stage.absent) {
    rect.attr('fill', 'none').attr('stroke', 'var(--muted)').attr('stroke-dasharray', '5 4').attr('stroke-width', 1.5);
  } else if (stage.highlight) {
    rect.attr('fill', 'var(--accent-soft)').attr('stroke', 'var(--accent)').attr('stroke-width', 2.5);
  } else {
    rect.attr('fill', 'var(--bg-soft)').attr('stroke', 'var(--muted)').attr('stroke-width', 1);
  }
  const cx = o.x + o.w / 2;
  const blockH = t.lines.length * LINE + subLines(t) * SUB;
  let y = o.y + (o.h - blockH) / 2 + FONT.label - 2;
  const label = box
    .append('text')
    .attr('class', 'fig-stage-label')
    .attr('text-anchor', 'middle')
    .attr('font-size', FONT.label)
    .attr('font-weight', stage.absent ? 400 : 600)
    .attr('fill', stage.absent ? 'var(--muted)' : 'var(--fg)');
  // Later lines start with a space so the text content reads as words (tspans do not add spaces).
  t.lines.forEach((line, li) => {
    label.append('tspan').attr('x', r(cx)).attr('y', r(y)).text(li === 0 ? line : ` ${line}`);
    y += LINE;
  });
  for (const sub of t.subs) {
    const text = box
      .append('text')
      .attr('class', 'fig-stage-sub')
      .attr('text-anchor', 'middle')
      .attr('font-size', sub.size)
      .attr('fill', 'var(--muted)')
      .attr('data-key', sub.key);
    sub.lines.forEach((line, li) => {
      text.append('tspan').attr('x', r(cx)).attr('y', r(y + 1)).text(li === 0 ? line : ` ${line}`);
      y += SUB;
    });
    if (sub.value !== undefined) text.attr('data-value', sub.value);
    if (sub.shape) text.attr('data-shape', sub.shape.join(','));
    if (sub.key.endsWith('.absent')) text.attr('font-style', 'italic');
  }
}

function drawArrow(g: G, id: string, from: [number, number], to: [number, number], dashed: boolean, key: string): void {
  const line = g
    .append('line')
    .attr('class', 'fig-arrow')
    .attr('data-key', key)
    .attr('x1', r(from[0]))
    .attr('y1', r(from[1]))
    .attr('x2', r(to[0]))
    .attr('y2', r(to[1]))
    .attr('stroke', 'var(--muted)')
    .attr('stroke-width', 1.5)
    .attr('marker-end', `url(#${id}-arrowhead)`);
  if (dashed) line.attr('stroke-dasharray', '4 3');
}

function drawInput(g: G, input: Input, o: { x: number; y: number; w: number; h: number }): void {
  const box = g.append('g').attr('class', 'fig-input').attr('data-key', input.key);
  box
    .append('rect')
    .attr('x', r(o.x))
    .attr('y', r(o.y))
    .attr('width', r(o.w))
    .attr('height', r(o.h))
    .attr('rx', o.h / 2)
    .attr('fill', 'var(--bg)')
    .attr('stroke', 'var(--muted)');
  const cx = o.x + o.w / 2;
  const hasShape = input.shape !== undefined;
  box
    .append('text')
    .attr('x', r(cx))
    .attr('y', r(o.y + o.h / 2 + (hasShape ? -3 : 4)))
    .attr('text-anchor', 'middle')
    .attr('font-size', FONT.label)
    .attr('fill', 'var(--fg)')
    .text(input.label);
  if (input.shape) {
    box
      .append('text')
      .attr('x', r(cx))
      .attr('y', r(o.y + o.h / 2 + 12))
      .attr('text-anchor', 'middle')
      .attr('font-size', FONT.tick - 1)
      .attr('fill', 'var(--muted)')
      .attr('data-key', `${input.key}.shape`)
      .attr('data-shape', input.shape.join(','))
      .text(formatShape(input.shape));
  }
}

export const pipeline: FigureRenderer<PipelineData, PipelineOpts> = {
  id: 'pipeline',
  dataSchema: pipelineDataSchema,
  optsSchema: pipelineOptsSchema,

  render(data, opts, env) {
    const W = opts.width;
    const n = data.stages.length;
    const pad = 6;
    const svg = createRoot(env, {
      id: opts.id,
      width: W,
      height: 10,
      title: opts.title,
      description: pipeline.describe(data),
      kind: 'pipeline',
    });
    svg
      .append('defs')
      .append('marker')
      .attr('id', `${opts.id}-arrowhead`)
      .attr('viewBox', '0 0 10 10')
      .attr('refX', 9)
      .attr('refY', 5)
      .attr('markerWidth', 7)
      .attr('markerHeight', 7)
      .attr('orient', 'auto-start-reverse')
      .append('path')
      .attr('d', 'M0,0L10,5L0,10z')
      .attr('fill', 'var(--muted)');
    const root = svg.append('g') as unknown as G;
    const inputsFor = (key: string): Input[] => data.inputs.filter((input) => input.to === key);
    const inputH = 38;
    let height: number;

    if (opts.layout === 'horizontal') {
      const gap = 26;
      const boxW = (W - 2 * pad - (n - 1) * gap) / n;
      const texts = data.stages.map((s) => boxText(s, boxW - 12, opts));
      const boxH = Math.max(...texts.map(boxHeight));
      const hasInputs = data.inputs.length > 0;
      const top = pad + (hasInputs ? inputH + 26 : 0);
      data.stages.forEach((stage, i) => {
        const x = pad + i * (boxW + gap);
        const t = texts[i];
        if (!t) return;
        drawBox(root, stage, t, { x, y: top, w: boxW, h: boxH });
        const next = data.stages[i + 1];
        if (next) {
          drawArrow(root, opts.id, [x + boxW + 2, top + boxH / 2], [x + boxW + gap - 2, top + boxH / 2], stage.absent || next.absent, `${stage.key}->${next.key}`);
        }
        const ins = inputsFor(stage.key);
        ins.forEach((input, k) => {
          const w = boxW / ins.length - (ins.length > 1 ? 4 : 0);
          const ix = x + k * (w + 4);
          drawInput(root, input, { x: ix, y: pad, w, h: inputH });
          drawArrow(root, opts.id, [ix + w / 2, pad + inputH + 2], [ix + w / 2, top - 2], stage.absent, `${input.key}->${stage.key}`);
        });
      });
      height = top + boxH + pad;
    } else {
      const gap = 28;
      const hasInputs = data.inputs.length > 0;
      const boxW = hasInputs ? Math.min(W * 0.58, 320) : Math.min(W - 2 * pad, 320);
      const x = hasInputs ? pad : (W - boxW) / 2;
      const texts = data.stages.map((s) => boxText(s, boxW - 16, opts));
      let y = pad;
      data.stages.forEach((stage, i) => {
        const t = texts[i];
        if (!t) return;
        const h = boxHeight(t);
        drawBox(root, stage, t, { x, y, w: boxW, h });
        const ins = inputsFor(stage.key);
        const inW = W - pad - (x + boxW + 30);
        ins.forEach((input, k) => {
          const iy = y + (h - ins.length * (inputH + 4)) / 2 + k * (inputH + 4);
          drawInput(root, input, { x: x + boxW + 30, y: iy, w: inW, h: inputH });
          drawArrow(root, opts.id, [x + boxW + 28, iy + inputH / 2], [x + boxW + 2, iy + inputH / 2], stage.absent, `${input.key}->${stage.key}`);
        });
        const next = data.stages[i + 1];
        if (next) {
          drawArrow(root, opts.id, [x + boxW / 2, y + h + 2], [x + boxW / 2, y + h + gap - 2], stage.absent || next.absent, `${stage.key}->${next.key}`);
        }
        y += h + gap;
      });
      height = y - gap + pad;
    }
    svg.attr('viewBox', `0 0 ${W} ${Math.ceil(height)}`).attr('data-height', Math.ceil(height));
    return svg.node() as SVGSVGElement;
  },

  toRows(data) {
    return [
      ...data.stages.map((s) => ({
        kind: 'stage',
        key: s.key,
        label: s.label,
        role: s.role,
        shape: s.shape ? s.shape.join('x') : '',
        params: s.params ?? '',
        highlight: s.highlight ? 1 : 0,
        absent: s.absent ? 1 : 0,
      })),
      ...data.inputs.map((input) => ({
        kind: 'input',
        key: input.key,
        label: input.label,
        role: `to:${input.to}`,
        shape: input.shape ? input.shape.join('x') : '',
        params: '',
        highlight: 0,
        absent: 0,
      })),
    ];
  },

  describe(data) {
    const chain = data.stages
      .map((s) => `${s.label}${s.shape ? ` (${formatShape(s.shape)})` : ''}${s.absent ? ' [absent]' : ''}`)
      .join(' → ');
    const ins = data.inputs.map((input) => `${input.label} enters ${data.stages.find((s) => s.key === input.to)?.label ?? input.to}`);
    const hi = data.stages.filter((s) => s.highlight).map((s) => s.label);
    return [
      `Block diagram: ${chain}.`,
      ins.length ? `${ins.join('; ')}.` : '',
      hi.length ? `Highlighted: ${hi.join(', ')}.` : '',
    ]
      .filter((s) => s.length > 0)
      .join(' ');
  },

  narrowOpts(opts) {
    return { ...opts, width: 360, layout: 'vertical' };
  },
};
