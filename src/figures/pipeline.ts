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
import { formatShape, formatSpecSchema } from '../primitives/format';
import { FONT, appendArrowhead, baseOptsShape, createRoot, finite, r, type G } from './common';
import { layoutPipeline, type PipelineLayout, type PipelineMark } from './pipeline-layout';
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

/** One stage: its box (dashed when absent, accented when highlighted), bold label and sub-labels. */
function drawStage(g: G, mark: Extract<PipelineMark, { kind: 'stage' }>): void {
  const { stage, text: t, placed, box: o } = mark;
  const box = g
    .append('g')
    .attr('class', `fig-stage${stage.highlight ? ' is-highlight' : ''}${stage.absent ? ' is-absent' : ''}`)
    .attr('data-key', stage.key)
    .attr('data-role', stage.role);
  const rect = box.append('rect').attr('x', r(o.x)).attr('y', r(o.y)).attr('width', r(o.w)).attr('height', r(o.h)).attr('rx', 6);
  if (stage.absent) {
    rect.attr('fill', 'none').attr('stroke', 'var(--muted)').attr('stroke-dasharray', '5 4').attr('stroke-width', 1.5);
  } else if (stage.highlight) {
    rect.attr('fill', 'var(--accent-soft)').attr('stroke', 'var(--accent)').attr('stroke-width', 2.5);
  } else {
    rect.attr('fill', 'var(--bg-soft)').attr('stroke', 'var(--muted)').attr('stroke-width', 1);
  }
  const label = box
    .append('text')
    .attr('class', 'fig-stage-label')
    .attr('text-anchor', 'middle')
    .attr('font-size', FONT.label)
    .attr('font-weight', stage.absent ? 400 : 600)
    .attr('fill', stage.absent ? 'var(--muted)' : 'var(--fg)');
  // Later lines start with a space so the text content reads as words (tspans do not add spaces).
  t.lines.forEach((line, li) => {
    label.append('tspan').attr('x', r(placed.cx)).attr('y', r(placed.labelYs[li] ?? 0)).text(li === 0 ? line : ` ${line}`);
  });
  t.subs.forEach((sub, si) => {
    const text = box
      .append('text')
      .attr('class', 'fig-stage-sub')
      .attr('text-anchor', 'middle')
      .attr('font-size', sub.size)
      .attr('fill', 'var(--muted)')
      .attr('data-key', sub.key);
    sub.lines.forEach((line, li) => {
      text.append('tspan').attr('x', r(placed.cx)).attr('y', r(placed.subYs[si]?.[li] ?? 0)).text(li === 0 ? line : ` ${line}`);
    });
    if (sub.value !== undefined) text.attr('data-value', sub.value);
    if (sub.shape) text.attr('data-shape', sub.shape.join(','));
    if (sub.key.endsWith('.absent')) text.attr('font-style', 'italic');
  });
}

function drawArrow(g: G, id: string, mark: Extract<PipelineMark, { kind: 'arrow' }>): void {
  const line = g
    .append('line')
    .attr('class', 'fig-arrow')
    .attr('data-key', mark.key)
    .attr('x1', r(mark.from[0]))
    .attr('y1', r(mark.from[1]))
    .attr('x2', r(mark.to[0]))
    .attr('y2', r(mark.to[1]))
    .attr('stroke', 'var(--muted)')
    .attr('stroke-width', 1.5)
    .attr('marker-end', `url(#${id}-arrowhead)`);
  if (mark.dashed) line.attr('stroke-dasharray', '4 3');
}

/** A side input: a pill with its label and, when given, its shape. */
function drawInput(g: G, mark: Extract<PipelineMark, { kind: 'input' }>): void {
  const { input, box: o } = mark;
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
  const single = mark.lines.length === 1;
  const label = box.append('text');
  if (single) label.attr('x', r(cx)).attr('y', r(mark.labelYs[0] ?? 0));
  label.attr('text-anchor', 'middle').attr('font-size', mark.labelSize).attr('fill', 'var(--fg)');
  if (single) label.text(input.label);
  else mark.lines.forEach((line, li) => label.append('tspan').attr('x', r(cx)).attr('y', r(mark.labelYs[li] ?? 0)).text(li === 0 ? line : ` ${line}`));
  if (input.shape) {
    box
      .append('text')
      .attr('x', r(cx))
      .attr('y', r(mark.shapeY))
      .attr('text-anchor', 'middle')
      .attr('font-size', FONT.tick - 1)
      .attr('fill', 'var(--muted)')
      .attr('data-key', `${input.key}.shape`)
      .attr('data-shape', input.shape.join(','))
      .text(formatShape(input.shape));
  }
}

/** Draws the laid-out marks in paint order. */
function drawPipeline(root: G, id: string, layout: PipelineLayout): void {
  for (const mark of layout.marks) {
    if (mark.kind === 'stage') drawStage(root, mark);
    else if (mark.kind === 'input') drawInput(root, mark);
    else drawArrow(root, id, mark);
  }
}

export const pipeline: FigureRenderer<PipelineData, PipelineOpts> = {
  id: 'pipeline',
  dataSchema: pipelineDataSchema,
  optsSchema: pipelineOptsSchema,

  render(data, opts, env) {
    const layout = layoutPipeline(data, opts);
    const svg = createRoot(env, { id: opts.id, width: layout.width, height: layout.height, title: opts.title, description: pipeline.describe(data), kind: 'pipeline' });
    appendArrowhead(svg, opts.id, 'auto-start-reverse');
    drawPipeline(svg.append('g') as unknown as G, opts.id, layout);
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
