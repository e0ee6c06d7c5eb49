/**
 * The sequence a language model reads when image tokens are concatenated with text (LLaVA's route):
 * one row of segments in reading order — system prompt, the image tokens where the `<image>`
 * placeholder stood, the user's text — each as wide as its token count (the scale is shared, so the
 * image's share of the context is seen at a glance), labelled with its count and, for the image,
 * the token width. Segments with an unknown count (text whose length depends on a tokenizer) are
 * drawn at a nominal width, dashed, without a number. Every count carries data-value and data-key.
 */
import { z } from 'zod';
import { formatInt, formatShape } from '../primitives/format';
import { FONT, baseOptsShape, createRoot, r, wrapLabel, type G } from './common';
import type { FigureRenderer } from './types';

const segmentSchema = z
  .object({
    key: z.string().min(1),
    label: z.string().min(1),
    kind: z.enum(['text', 'image']),
    /** Tokens in the segment; absent when it depends on a tokenizer the site does not model. */
    tokens: z.number().int().positive().optional(),
    /** Width of each token (the LM width after the projector). */
    width: z.number().int().positive().optional(),
  })
  .strict();

export const tokenSequenceDataSchema = z
  .object({ segments: z.array(segmentSchema).min(1).max(8) })
  .strict()
  .refine((d) => d.segments.some((s) => s.tokens !== undefined), { message: 'needs at least one segment with a token count' });
export type TokenSequenceData = z.infer<typeof tokenSequenceDataSchema>;

export const tokenSequenceOptsSchema = z
  .object({
    ...baseOptsShape,
    title: z.string().default('The sequence the language model reads'),
    /** Share of the row a segment without a count takes. */
    nominalShare: z.number().min(0.02).max(0.4).default(0.12),
  })
  .strict();
export type TokenSequenceOpts = z.infer<typeof tokenSequenceOptsSchema>;

const BAR_Y = 8;
const BAR_H = 44;
const MIN_W = 18;

interface Placed {
  seg: TokenSequenceData['segments'][number];
  x: number;
  w: number;
}

/** Widths: counted segments share what the nominal ones leave, in proportion to their tokens, at least MIN_W each. */
function place(data: TokenSequenceData, opts: TokenSequenceOpts): Placed[] {
  const nominal = data.segments.filter((s) => s.tokens === undefined).length;
  const counted = data.segments.reduce((a, s) => a + (s.tokens ?? 0), 0);
  const free = opts.width * (1 - nominal * opts.nominalShare) - MIN_W * data.segments.length;
  let x = 0;
  return data.segments.map((seg) => {
    const w = seg.tokens === undefined ? opts.width * opts.nominalShare : MIN_W + (free * seg.tokens) / counted;
    const p = { seg, x, w };
    x += w;
    return p;
  });
}

function drawSegment(root: G, p: Placed, labelY: number): void {
  const { seg } = p;
  const g = root.append('g').attr('class', `fig-seq-segment is-${seg.kind}`).attr('data-key', seg.key);
  g.append('rect')
    .attr('x', r(p.x + 1))
    .attr('y', BAR_Y)
    .attr('width', r(Math.max(1, p.w - 2)))
    .attr('height', BAR_H)
    .attr('rx', 3)
    .attr('fill', seg.kind === 'image' ? 'var(--accent)' : 'var(--series-2)')
    .attr('fill-opacity', seg.kind === 'image' ? 0.85 : 0.35)
    .attr('stroke', 'var(--rule)')
    .attr('stroke-dasharray', seg.tokens === undefined ? '4 3' : null);
  const lines = wrapLabel(seg.label, Math.max(40, p.w - 4), FONT.tick, 3);
  const t = g.append('text').attr('text-anchor', 'middle').attr('font-size', FONT.tick).attr('fill', 'var(--fg)');
  lines.forEach((ln, i) => t.append('tspan').attr('x', r(p.x + p.w / 2)).attr('y', r(labelY + i * 14)).text(ln));
  if (seg.tokens !== undefined) {
    g.append('text')
      .attr('class', 'fig-seq-count')
      .attr('x', r(p.x + p.w / 2))
      .attr('y', BAR_Y + BAR_H / 2)
      .attr('dy', '0.32em')
      .attr('text-anchor', 'middle')
      .attr('font-size', FONT.value)
      .attr('font-weight', 600)
      .attr('fill', seg.kind === 'image' ? 'var(--bg)' : 'var(--fg)')
      .attr('data-key', `${seg.key}.tokens`)
      .attr('data-value', seg.tokens)
      .text(seg.width !== undefined && p.w > 90 ? formatShape([seg.tokens, seg.width]) : formatInt(seg.tokens));
  }
}

export const tokenSequence: FigureRenderer<TokenSequenceData, TokenSequenceOpts> = {
  id: 'token-sequence',
  dataSchema: tokenSequenceDataSchema,
  optsSchema: tokenSequenceOptsSchema,

  render(data, opts, env) {
    const placed = place(data, opts);
    const labelY = BAR_Y + BAR_H + 16;
    const height = labelY + 3 * 14 + 4;
    const svg = createRoot(env, { id: opts.id, width: opts.width, height, title: opts.title, description: tokenSequence.describe(data), kind: 'token-sequence' });
    const root = svg.append('g') as unknown as G;
    for (const p of placed) drawSegment(root, p, labelY);
    return svg.node() as SVGSVGElement;
  },

  toRows(data) {
    return data.segments.map((s) => ({ segment: s.key, label: s.label, kind: s.kind, tokens: s.tokens ?? '', width: s.width ?? '' }));
  },

  describe(data) {
    const parts = data.segments.map((s) => `${s.label}${s.tokens !== undefined ? ` (${formatInt(s.tokens)} tokens${s.width !== undefined ? ` of width ${formatInt(s.width)}` : ''})` : ''}`);
    return `Token sequence in reading order: ${parts.join(', then ')}.`;
  },

  narrowOpts(opts) {
    return { ...opts, width: 360, nominalShare: Math.min(0.2, opts.nominalShare * 1.5) };
  },
};
