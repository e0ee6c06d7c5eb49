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
import { FONT, baseOptsShape, createRoot, r, textWidth, type G } from './common';
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
const LINE_H = 18;

export interface SequenceSegmentLayout {
  seg: TokenSequenceData['segments'][number];
  x: number;
  w: number;
  /** The count written inside the bar, when it fits there. */
  count?: { text: string; x: number; y: number };
  /** The key line under the bar: swatch at (0, y − 6), text from x = 18. */
  key: { text: string; y: number; size: number };
}

export interface TokenSequenceLayout {
  width: number;
  height: number;
  barY: number;
  barH: number;
  segments: SequenceSegmentLayout[];
}

/** Widths: counted segments share what the nominal ones leave, in proportion to their tokens, at least MIN_W each; a key line per segment below. */
export function layoutTokenSequence(data: TokenSequenceData, opts: TokenSequenceOpts): TokenSequenceLayout {
  const nominal = data.segments.filter((s) => s.tokens === undefined).length;
  const counted = data.segments.reduce((a, s) => a + (s.tokens ?? 0), 0);
  const free = opts.width * (1 - nominal * opts.nominalShare) - MIN_W * data.segments.length;
  let x = 0;
  const segments = data.segments.map((seg, i): SequenceSegmentLayout => {
    const w = seg.tokens === undefined ? opts.width * opts.nominalShare : MIN_W + (Math.max(0, free) * seg.tokens) / counted;
    const countText = seg.tokens === undefined ? undefined : seg.width !== undefined ? formatShape([seg.tokens, seg.width]) : formatInt(seg.tokens);
    const fits = countText !== undefined && textWidth(countText, FONT.value) + 6 <= w;
    const keyText = `${formatInt(i + 1)}. ${seg.label}${countText !== undefined ? `: ${countText}` : ''}`;
    const out: SequenceSegmentLayout = { seg, x, w, key: { text: keyText, y: BAR_Y + BAR_H + 18 + i * LINE_H, size: Math.min(FONT.tick, Math.floor((FONT.tick * (opts.width - 20)) / textWidth(keyText, FONT.tick))) }, ...(fits && countText ? { count: { text: countText, x: x + w / 2, y: BAR_Y + BAR_H / 2 } } : {}) };
    x += w;
    return out;
  });
  return { width: opts.width, height: BAR_Y + BAR_H + 18 + data.segments.length * LINE_H, barY: BAR_Y, barH: BAR_H, segments };
}

function drawSegment(root: G, p: SequenceSegmentLayout, i: number): void {
  const { seg } = p;
  const fill = seg.kind === 'image' ? 'var(--accent)' : 'var(--series-2)';
  const opacity = seg.kind === 'image' ? 0.85 : 0.35;
  const g = root.append('g').attr('class', `fig-seq-segment is-${seg.kind}`).attr('data-key', seg.key);
  g.append('rect')
    .attr('x', r(p.x + 1))
    .attr('y', BAR_Y)
    .attr('width', r(Math.max(1, p.w - 2)))
    .attr('height', BAR_H)
    .attr('rx', 3)
    .attr('fill', fill)
    .attr('fill-opacity', opacity)
    .attr('stroke', 'var(--rule)')
    .attr('stroke-dasharray', seg.tokens === undefined ? '4 3' : null);
  if (p.w > 14) g.append('text').attr('x', r(p.x + 5)).attr('y', BAR_Y + 12).attr('font-size', FONT.tick - 2).attr('fill', seg.kind === 'image' ? 'var(--bg)' : 'var(--fg)').text(formatInt(i + 1));
  if (p.count && seg.tokens !== undefined) {
    g.append('text')
      .attr('class', 'fig-seq-count')
      .attr('x', r(p.count.x))
      .attr('y', r(p.count.y))
      .attr('dy', '0.32em')
      .attr('text-anchor', 'middle')
      .attr('font-size', FONT.value)
      .attr('font-weight', 600)
      .attr('fill', seg.kind === 'image' ? 'var(--bg)' : 'var(--fg)')
      .attr('data-key', `${seg.key}.tokens`)
      .attr('data-value', seg.tokens)
      .text(p.count.text);
  }
  const key = root.append('g').attr('class', 'fig-seq-key');
  key.append('rect').attr('x', 0).attr('y', r(p.key.y - 9)).attr('width', 12).attr('height', 12).attr('fill', fill).attr('fill-opacity', opacity).attr('stroke', 'var(--rule)');
  const t = key.append('text').attr('x', 18).attr('y', r(p.key.y)).attr('font-size', p.key.size).attr('fill', 'var(--fg)').text(p.key.text);
  if (!p.count && seg.tokens !== undefined) t.attr('class', 'fig-seq-count').attr('data-key', `${seg.key}.tokens`).attr('data-value', seg.tokens);
}


export const tokenSequence: FigureRenderer<TokenSequenceData, TokenSequenceOpts> = {
  id: 'token-sequence',
  dataSchema: tokenSequenceDataSchema,
  optsSchema: tokenSequenceOptsSchema,

  render(data, opts, env) {
    const l = layoutTokenSequence(data, opts);
    const svg = createRoot(env, { id: opts.id, width: l.width, height: l.height, title: opts.title, description: tokenSequence.describe(data), kind: 'token-sequence' });
    const root = svg.append('g') as unknown as G;
    l.segments.forEach((p, i) => drawSegment(root, p, i));
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
